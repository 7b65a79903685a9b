package dev.bantam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.gguf.GgufDequantizer;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.model.ForwardHarness;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bantam quantize} copies of the architecture fixtures (Q8_0, and the default Q4_K_M mix)
 * keep top-1 agreement with the same weights dequantized to F32 — the rule of core's
 * GoldenLogitsTest for reduced precision: at least 90% of the golden positions, decoded step by
 * step so each type's own dot kernel runs on the quantized blocks.
 */
class ArchQuantizeAgreementTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"llama31-tiny,q8_0", "llama31-tiny,q4_k", "qwen3-tiny,q8_0", "qwen3-tiny,q4_k",
            "gemma3-tiny,q8_0", "gemma3-tiny,q4_k", "phi3-tiny,q8_0", "phi3-tiny,q4_k"})
    void quantizedCopyAgreesWithItsOwnWeightsDequantized(String model, String type) throws Exception {
        String dir = "arch/" + model + "/";
        Path quantized = tmp.resolve(model + "-" + type + ".gguf"), dequantized = tmp.resolve(model + "-" + type + "-as-f32.gguf");
        CliRun run = CliRun.of("quantize", Fixtures.path(dir + model + "-f32.gguf").toString(), quantized.toString(), type);
        assertThat(run.exitCode()).as(run.err()).isZero();
        var types = new TreeMap<String, Integer>();
        try (GgufFile f = GgufFile.open(quantized)) {
            for (GgufTensorInfo t : f.tensorInfos()) types.merge(t.type().name(), 1, Integer::sum);
            GgufDequantizer.toF32(f, dequantized);
        }
        int same = 0, total = 0;
        float max = 0;
        try (var q = new ForwardHarness(quantized, 2); var ref = new ForwardHarness(dequantized, 2)) {
            for (JsonNode c : Fixtures.json(dir + "golden.json").get("cases")) {
                int[] tokens = Fixtures.ints(c.get("tokens"));
                float[] expected = ref.logits(tokens), actual = q.logitsStepByStep(tokens);
                int vocab = q.config.vocabSize();
                for (int p = 0; p < tokens.length; p++) {
                    if (argmax(expected, p * vocab, vocab) == argmax(actual, p * vocab, vocab)) same++;
                    total++;
                }
                for (int i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i] - actual[i]));
            }
        }
        System.out.printf("%s %s (tensor types %s) vs its weights in f32: top-1 %d/%d (%.1f%%), max |Δlogit| %.2e%n",
                model, type, types, same, total, 100.0 * same / total, max);
        assertThat((double) same / total).as("%s %s top-1 agreement", model, type).isGreaterThanOrEqualTo(0.90);
    }

    private static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}
