package dev.bantam.core.generate;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Greedy generation goes through {@link InferenceSession#decodeGreedy} (so a GPU backend can keep
 * its logits), and gives the tokens that the argmax of every step's logits gives; sampling still
 * reads the logits.
 */
class GeneratorTest {
    private static final ModelSource MODEL = new ModelSource(Fixtures.tinyGguf("llama-tiny", "f32"));
    private static final int[] PROMPT = {1, 5, 9, 200, 31};

    @Test
    void greedyGenerationIsTheArgmaxOfEveryStepsLogits() throws IOException {
        List<Integer> generated = new ArrayList<>();
        int[] calls;
        try (Counting s = new Counting(new CpuBackend().open(MODEL, new SessionOptions(1, 64, 1)))) {
            Generator.generate(s, s.tokenizer(), PROMPT, 20, new Sampler(SamplerSettings.GREEDY), generated::add);
            calls = new int[] {s.decodes, s.greedyDecodes};
        }
        assertThat(calls).as("decode, decodeGreedy calls").containsExactly(0, generated.size() - 1);
        List<Integer> expected = new ArrayList<>();
        try (InferenceSession s = new CpuBackend().open(MODEL, new SessionOptions(1, 64, 1))) {
            float[] logits = s.prefill(new int[][] {PROMPT}).row(0);
            while (expected.size() < generated.size()) {
                int next = Sampler.argmax(logits);
                expected.add(next);
                logits = s.decode(new int[] {next}).row(0);
            }
        }
        assertThat(generated).hasSize(20).isEqualTo(expected);
    }

    @Test
    void samplingReadsTheLogits() throws IOException {
        try (Counting s = new Counting(new CpuBackend().open(MODEL, new SessionOptions(1, 64, 1)))) {
            var settings = new SamplerSettings(0.8f, 40, 0.95f, 0.05f, 1, 64, 7);
            var stats = Generator.generate(s, s.tokenizer(), PROMPT, 10, new Sampler(settings), t -> {});
            assertThat(s.decodes).isEqualTo(stats.decodeSteps());
            assertThat(s.greedyDecodes).isZero();
        }
    }

    /** The session, counting which kind of decode step it is asked for. */
    private static final class Counting implements InferenceSession {
        final InferenceSession s;
        int decodes, greedyDecodes;

        Counting(InferenceSession s) { this.s = s; }

        @Override public Logits prefill(int[][] prompts) { return s.prefill(prompts); }
        @Override public Logits decode(int[] next) { decodes++; return s.decode(next); }
        @Override public int[] decodeGreedy(int[] next) { greedyDecodes++; return s.decodeGreedy(next); }
        @Override public float[] prefillAll(int[] tokens) { return s.prefillAll(tokens); }
        @Override public void reset() { s.reset(); }
        @Override public int vocabSize() { return s.vocabSize(); }
        @Override public int contextSize() { return s.contextSize(); }
        @Override public Tokenizer tokenizer() { return s.tokenizer(); }
        @Override public void close() { s.close(); }
    }
}
