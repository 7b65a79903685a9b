package dev.bantam.core.backend;

import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.generate.Sampler;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Continuous batching must not change greedy output: 8 sequences that join a running batch one
 * step apart produce, token for token, what each produces alone — on the CPU engine's batched
 * slots and on the per-slot adapter that other backends get.
 */
class SlotSessionTest {
    private static final ModelSource MODEL = new ModelSource(Fixtures.defaultModel("austen-llama-7m"));
    private static final int SLOTS = 8, STEPS = 24;

    @Test
    void cpuSlotsBatchWithoutChangingGreedyOutput() throws IOException {
        try (SlotSession slots = new CpuBackend().openSlots(MODEL, new SessionOptions(2, 256, SLOTS))) {
            assertThat(slots.batched()).isTrue();
            assertConcurrentEqualsAlone(slots);
        }
    }

    @Test
    void sessionPerSlotAdapterGivesTheSameTokens() throws IOException {
        CpuBackend cpu = new CpuBackend();
        InferenceBackend plain = new InferenceBackend() {
            // the SPI's default openSlots over the cpu backend's plain sessions
            @Override public String id() { return "plain-cpu"; }
            @Override public Availability availability() { return Availability.yes(); }
            @Override public InferenceSession open(ModelSource m, SessionOptions o) throws IOException { return cpu.open(m, o); }
        };
        List<List<Integer>> batched, adapted;
        try (SlotSession slots = plain.openSlots(MODEL, new SessionOptions(2, 256, SLOTS))) {
            assertThat(slots.batched()).isFalse();
            adapted = assertConcurrentEqualsAlone(slots);
        }
        try (SlotSession slots = cpu.openSlots(MODEL, new SessionOptions(2, 256, SLOTS))) {
            batched = concurrent(slots, prompts(slots.vocabSize()));
        }
        assertThat(adapted).isEqualTo(batched);
    }

    @Test
    void truncateKeepsAPrefixThatAFreshPrefillWouldCompute() throws IOException {
        try (SlotSession slots = new CpuBackend().openSlots(MODEL, new SessionOptions(2, 256, 2))) {
            int[] a = prompts(slots.vocabSize()).get(0), b = prompts(slots.vocabSize()).get(1);
            slots.prefill(0, a);
            slots.prefill(0, b);
            slots.truncate(0, a.length);
            assertThat(slots.length(0)).isEqualTo(a.length);
            float[] reused = slots.prefill(0, b);
            int[] ab = concat(a, b);
            float[] fresh = slots.prefill(1, ab);
            assertThat(reused).containsExactly(fresh, org.assertj.core.data.Offset.offset(1e-4f));
            slots.free(1);
            assertThat(slots.length(1)).isZero();
        }
    }

    private static List<List<Integer>> assertConcurrentEqualsAlone(SlotSession slots) {
        List<int[]> prompts = prompts(slots.vocabSize());
        List<List<Integer>> together = concurrent(slots, prompts);
        for (int i = 0; i < SLOTS; i++) slots.free(i);
        for (int i = 0; i < SLOTS; i++) {
            assertThat(alone(slots, prompts.get(i))).as("sequence %d", i).isEqualTo(together.get(i));
            slots.free(0);
        }
        return together;
    }

    /** Sequence i is prefilled before decode step i, then joins the batch; each runs STEPS greedy steps. */
    private static List<List<Integer>> concurrent(SlotSession slots, List<int[]> prompts) {
        List<List<Integer>> out = new ArrayList<>();
        int[] next = new int[SLOTS];
        for (int i = 0; i < SLOTS; i++) out.add(new ArrayList<>());
        for (int step = 0; ; step++) {
            if (step < SLOTS) {
                next[step] = Sampler.argmax(slots.prefill(step, prompts.get(step)));
                out.get(step).add(next[step]);
            }
            int[] active = java.util.stream.IntStream.range(0, Math.min(step + 1, SLOTS)).filter(s -> out.get(s).size() < STEPS).toArray();
            if (active.length == 0) return out;
            int[] tokens = Arrays.stream(active).map(s -> next[s]).toArray();
            Logits logits = slots.decode(active, tokens);
            for (int i = 0; i < active.length; i++) {
                next[active[i]] = Sampler.argmax(logits.row(i));
                out.get(active[i]).add(next[active[i]]);
            }
        }
    }

    private static List<Integer> alone(SlotSession slots, int[] prompt) {
        List<Integer> out = new ArrayList<>();
        int next = Sampler.argmax(slots.prefill(0, prompt));
        out.add(next);
        while (out.size() < STEPS) {
            next = Sampler.argmax(slots.decode(new int[] {0}, new int[] {next}).row(0));
            out.add(next);
        }
        return out;
    }

    /** Eight prompts of different lengths (ragged), random ids from a fixed seed. */
    private static List<int[]> prompts(int vocab) {
        SplittableRandom r = new SplittableRandom(13);
        List<int[]> p = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) p.add(r.ints(3 + 5 * i, 0, vocab).toArray());
        return p;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
