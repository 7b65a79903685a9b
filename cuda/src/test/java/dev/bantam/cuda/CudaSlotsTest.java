package dev.bantam.cuda;

import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.backend.SlotSession;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GPU: the cuda slots (continuous batching) against the CPU engine's on the same F32 file: slots
 * prefilled to different lengths, decoded in changing sets (more than the eight rows of the
 * matrix-vector kernels, so the cuBLAS path's graphs too, and a set replayed on other slots), one
 * cut back and continued. Every logit within 1e-3, the same top-1.
 */
class CudaSlotsTest {
    private static final int SLOTS = 12;

    @Test
    void slotsDecodedInChangingSetsAgreeWithTheCpuSlots() throws Exception {
        Gpus.assumeGpu();
        ModelSource model = new ModelSource(Fixtures.tinyGguf("llama-tiny", "f32"));
        SessionOptions options = new SessionOptions(2, 64, SLOTS);
        Random r = new Random(11);
        try (SlotSession cpu = new CpuBackend().openSlots(model, options); SlotSession gpu = new CudaBackend().openSlots(model, options)) {
            assertThat(gpu.batched()).isTrue();
            assertThat(gpu.slots()).isEqualTo(SLOTS);
            int vocab = gpu.vocabSize();
            for (int s = 0; s < SLOTS; s++) {
                int[] prompt = r.ints(1 + s % 5, 0, vocab).toArray();
                assertClose(cpu.prefill(s, prompt), gpu.prefill(s, prompt), vocab, "prefill of slot " + s);
            }
            int[][] sets = {range(0, SLOTS), {3, 7, 1}, range(2, 12), {5}, {11, 0, 6, 9, 4, 2, 8, 10, 1, 3}, {3, 7, 1}};
            for (int step = 0; step < 3; step++) {
                for (int[] set : sets) {
                    int[] tokens = r.ints(set.length, 0, vocab).toArray();
                    Logits a = cpu.decode(set, tokens), b = gpu.decode(set, tokens);
                    assertClose(a.data(), b.data(), vocab, "decode of slots " + java.util.Arrays.toString(set));
                }
            }
            cpu.truncate(4, 2);
            gpu.truncate(4, 2);
            assertThat(gpu.length(4)).isEqualTo(2);
            int[] more = {r.nextInt(vocab), r.nextInt(vocab)};
            assertClose(cpu.prefill(4, more), gpu.prefill(4, more), vocab, "slot 4 continued after the cut");
            assertClose(cpu.decode(new int[] {4, 0}, more).data(), gpu.decode(new int[] {4, 0}, more).data(), vocab, "decode after the cut");
            for (int s = 0; s < SLOTS; s++) assertThat(gpu.length(s)).as("slot " + s).isEqualTo(cpu.length(s));
            assertThatThrownBy(() -> gpu.decode(new int[] {1, 1}, new int[] {0, 0})).hasMessage("slot 1 listed twice");
            assertThatThrownBy(() -> gpu.prefill(SLOTS, new int[] {0})).hasMessage("slot " + SLOTS + " outside 0.." + (SLOTS - 1));
        }
    }

    private static int[] range(int from, int to) { return java.util.stream.IntStream.range(from, to).toArray(); }

    private static void assertClose(float[] cpu, float[] gpu, int vocab, String what) {
        assertThat(gpu).as(what).hasSameSizeAs(cpu);
        double max = 0;
        for (int i = 0; i < cpu.length; i++) max = Math.max(max, Math.abs(cpu[i] - gpu[i]));
        assertThat(max).as(what + ": max |Δlogit|").isLessThan(1e-3);
        for (int row = 0; row < cpu.length / vocab; row++) {
            assertThat(dev.bantam.core.generate.Sampler.argmax(gpu, row * vocab, vocab)).as(what + ", row " + row + " top-1")
                    .isEqualTo(dev.bantam.core.generate.Sampler.argmax(cpu, row * vocab, vocab));
        }
    }
}
