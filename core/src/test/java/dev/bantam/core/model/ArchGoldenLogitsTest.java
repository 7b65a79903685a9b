package dev.bantam.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.cpu.KvCache;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The architectures of the models people download (fixtures/arch, specs/architectures.md) against
 * transformers' float64 logits: llama3 rope scaling, qwen3 q/k norms, gemma3's sliding window,
 * per-layer rope base and sandwich norms, phi3's fused tensors. The 64- and 200-token cases cross
 * Gemma's 8-token window and Llama's scaled wavelengths.
 */
class ArchGoldenLogitsTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"})
    void f32LogitsWithin1e3AndGreedyContinuationIdentical(String model) throws Exception {
        String dir = "arch/" + model + "/";
        float worst = 0;
        try (var engine = new ForwardHarness(Fixtures.path(dir + model + "-f32.gguf"), 2)) {
            int vocab = engine.config.vocabSize();
            for (Fixtures.GoldenCase c : Fixtures.goldenCases(dir)) {
                Agreement prefill = Agreement.of(c.logits(), engine.logits(c.tokens()), vocab);
                Agreement stepwise = Agreement.of(c.logits(), engine.logitsStepByStep(c.tokens()), vocab);
                Agreement chunked = Agreement.of(c.logits(), logitsInTwoChunks(engine, c.tokens()), vocab);
                System.out.printf("%s %s: max |Δ| prefill %.2e, decode %.2e, two chunks %.2e%n",
                        model, c.name(), prefill.maxAbsDiff(), stepwise.maxAbsDiff(), chunked.maxAbsDiff());
                for (var a : new Agreement[] {prefill, stepwise, chunked}) {
                    assertThat(a.maxAbsDiff()).as("%s %s", model, c.name()).isLessThanOrEqualTo(1e-3f);
                    assertThat(a.sameTop()).as("%s %s top-1", model, c.name()).isEqualTo(a.positions());
                    worst = Math.max(worst, a.maxAbsDiff());
                }
            }
            JsonNode greedy = Fixtures.json(dir + "golden.json").get("greedy");
            int[] expected = Fixtures.ints(greedy.get("new_tokens"));
            assertThat(engine.greedy(Fixtures.ints(greedy.get("prompt_tokens")), expected.length)).as(model + " greedy").containsExactly(expected);
        }
        System.out.printf("%s: max |Δ| over every case and path %.2e%n", model, worst);
    }

    /** The first half in one prefill, the rest in a second one over the cache: windowed attention with a cached prefix. */
    private static float[] logitsInTwoChunks(ForwardHarness engine, int[] tokens) {
        int vocab = engine.config.vocabSize(), first = Math.max(1, tokens.length / 2);
        KvCache cache = new KvCache(engine.config, tokens.length);
        float[] all = new float[tokens.length * vocab];
        float[] a = engine.transformer.forward(cache, java.util.Arrays.copyOfRange(tokens, 0, first), true);
        System.arraycopy(a, 0, all, 0, a.length);
        if (first < tokens.length) {
            float[] b = engine.transformer.forward(cache, java.util.Arrays.copyOfRange(tokens, first, tokens.length), true);
            System.arraycopy(b, 0, all, a.length, b.length);
        }
        return all;
    }
}
