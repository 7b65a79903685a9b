package dev.bantam.cuda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.Logits;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import dev.bantam.testing.Fixtures.GoldenCase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPU: the architectures of the models people download (fixtures/arch: llama3 rope scaling, qwen3
 * q/k norms, gemma3's sliding window, per-layer rope base, sandwich norms and GeGLU, phi3's fused
 * tensors) on the cuda backend against transformers' float64 logits, by the CPU engine's rules
 * (core's ArchGoldenLogitsTest): every case within 1e-3 with the same top-1 everywhere, through the
 * whole-prompt prefill, in two prefills (the second over the cached first half: windowed attention
 * with a cached prefix) and step by step through the device KV cache, and the greedy continuation
 * identical. The 64- and 200-token cases cross Gemma's 8-token window and Llama's scaled wavelengths.
 */
class CudaArchGoldenLogitsTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsGpu() {
        Gpus.assumeGpu();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"})
    void f32LogitsWithin1e3AndGreedyContinuationIdentical(String model) throws Exception {
        String dir = "arch/" + model + "/";
        Path file = Fixtures.path(dir + model + "-f32.gguf");
        float worst = 0;
        for (GoldenCase c : Fixtures.goldenCases(dir)) {
            try (InferenceSession s = CudaGoldenLogitsTest.open(file, c.tokens().length, 1)) {
                int vocab = s.vocabSize();
                Agreement prefill = Agreement.of(c.logits(), s.prefillAll(c.tokens()), vocab);
                Agreement decode = Agreement.of(c.logits(), CudaGoldenLogitsTest.stepByStep(s, c.tokens()), vocab);
                Agreement chunked = Agreement.of(c.logits(), inTwoPrefills(s, c.tokens()), vocab);
                System.out.printf("cuda %s %s (%d tokens): max |Δlogit| prefill %.2e, decode %.2e, two prefills %.2e%n",
                        model, c.name(), c.tokens().length, prefill.maxAbsDiff(), decode.maxAbsDiff(), chunked.maxAbsDiff());
                for (Agreement a : new Agreement[] {prefill, decode, chunked}) {
                    assertThat(a.maxAbsDiff()).as("%s %s", model, c.name()).isLessThanOrEqualTo(1e-3f);
                    assertThat(a.sameTop()).as("%s %s top-1", model, c.name()).isEqualTo(a.positions());
                    worst = Math.max(worst, a.maxAbsDiff());
                }
            }
        }
        JsonNode greedy = Fixtures.json(dir + "golden.json").get("greedy");
        int[] prompt = Fixtures.ints(greedy.get("prompt_tokens")), expected = Fixtures.ints(greedy.get("new_tokens"));
        try (InferenceSession s = CudaGoldenLogitsTest.open(file, prompt.length + expected.length, 1)) {
            assertThat(greedy(s, prompt, expected.length)).as(model + " greedy").containsExactly(expected);
        }
        System.out.printf("cuda %s: max |Δlogit| over every case and path %.2e%n", model, worst);
    }

    /**
     * Quantized copies of each fixture (Q8_0, and the default Q4_K_M mix of {@code bantam quantize})
     * keep top-1 agreement with the same weights dequantized to F32 on the CPU, by the rule of the
     * existing cuda tests: at least 90% of the golden positions, in prefill and step by step.
     */
    @ParameterizedTest
    @CsvSource({"llama31-tiny,Q8_0", "llama31-tiny,Q4_K", "qwen3-tiny,Q8_0", "qwen3-tiny,Q4_K",
            "gemma3-tiny,Q8_0", "gemma3-tiny,Q4_K", "phi3-tiny,Q8_0", "phi3-tiny,Q4_K"})
    void quantizedCopyAgreesWithItsOwnWeightsDequantized(String model, String type) throws Exception {
        String dir = "arch/" + model + "/";
        Path quantized = QuantizedCopies.quantize(Fixtures.path(dir + model + "-f32.gguf"), type, false, tmp);
        double agreement = QuantizedCopies.topOneAgainstDequantized(model, type, quantized, Fixtures.goldenCases(dir), tmp);
        assertThat(agreement).as("%s %s top-1 agreement", model, type).isGreaterThanOrEqualTo(0.90);
    }

    /** Logits of every position: the first half in one prefill, the rest in a second one after it. */
    static float[] inTwoPrefills(InferenceSession s, int[] tokens) {
        int first = Math.max(1, tokens.length / 2);
        s.reset();
        float[] a = s.prefillAll(java.util.Arrays.copyOfRange(tokens, 0, first));
        if (first == tokens.length) return a;
        float[] b = s.prefillAll(java.util.Arrays.copyOfRange(tokens, first, tokens.length));
        float[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Greedy decoding on the device session: the prompt's prefill, then one decode step a token. */
    static int[] greedy(InferenceSession s, int[] prompt, int n) {
        int[] out = new int[n];
        Logits l = s.prefill(new int[][] {prompt});
        for (int i = 0; i < n; i++) {
            out[i] = Agreement.argmax(l.data(), 0, s.vocabSize());
            if (i + 1 < n) l = s.decode(new int[] {out[i]});
        }
        return out;
    }
}
