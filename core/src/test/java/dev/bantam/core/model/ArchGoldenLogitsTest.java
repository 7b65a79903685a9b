package dev.bantam.core.model;

import dev.bantam.core.cpu.KvCache;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

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
        try (var engine = new ForwardHarness(Fixtures.path("arch/" + model + "/" + model + "-f32.gguf"), 2)) {
            Map<String, GoldenLogits.LogitsPath> paths = new LinkedHashMap<>();
            paths.put("prefill", engine::logits);
            paths.put("decode", engine::logitsStepByStep);
            paths.put("two chunks", tokens -> logitsInTwoChunks(engine, tokens));
            GoldenLogits.assertMatch(model, model, engine.config.vocabSize(), paths, engine::greedy);
        }
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
