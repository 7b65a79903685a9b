package dev.bantam.cuda;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPU: the batch-1 fusions of F16/BF16 steps (CudaForward's {@code bantam.cuda.fuseNorm}: RMSNorm
 * folded into the kernels that write and read its vector; {@code bantam.cuda.fuseGate}: the gated
 * activation in the [gate; up] product's epilogue) give the logits of the separate launches, step by
 * step (captured graphs after the first step), each alone and both; and the fused step launches no
 * rms_norm and no gated_rows, the unfused one 2·layers + 1 and layers of them.
 */
class CudaFusionTest {
    @BeforeEach
    void needsGpu() {
        Gpus.assumeGpu();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"llama-256,bf16", "llama-256,f16", "llama-tiny,bf16"})
    void fusedBatchOneStepsGiveTheSeparateLaunchesLogits(String model, String type) throws Exception {
        Path file = Fixtures.tinyGguf(model, type);
        int[] tokens = Fixtures.goldenCase("tiny/" + model, "prompt").tokens();
        Map<String, double[]> kernelsOff = new java.util.HashMap<>();
        float[] off = decode(file, tokens, false, false, kernelsOff);
        int layers = 2;
        assertThat(kernelsOff.get("rms_norm")[1]).as("rms_norm launches of the unfused step").isEqualTo(2 * layers + 1);
        assertThat(kernelsOff.get("gated_rows")[1]).as("gated_rows launches of the unfused step").isEqualTo(layers);
        for (boolean[] fuse : new boolean[][] {{true, false}, {false, true}, {true, true}}) {
            Map<String, double[]> kernels = new java.util.HashMap<>();
            float[] on = decode(file, tokens, fuse[0], fuse[1], kernels);
            float diff = Agreement.maxAbsDiff(off, on);
            System.out.printf("cuda %s %s fuseNorm=%b fuseGate=%b: max |Δlogit| against the separate launches %.2e over %d steps; kernels %s%n",
                    model, type, fuse[0], fuse[1], diff, tokens.length, kernels.keySet());
            assertThat(diff).as("%s %s fuseNorm=%b fuseGate=%b", model, type, fuse[0], fuse[1]).isLessThanOrEqualTo(1e-4f);
            assertThat(kernels.containsKey("rms_norm")).as("rms_norm launched with fuseNorm=" + fuse[0]).isEqualTo(!fuse[0]);
            assertThat(kernels.containsKey("gated_rows")).as("gated_rows launched with fuseGate=" + fuse[1]).isEqualTo(!fuse[1]);
        }
    }

    /** Logits of every position decoded one step at a time with the fusions as given; {@code kernels}: one more step's launches by name. */
    private static float[] decode(Path file, int[] tokens, boolean fuseNorm, boolean fuseGate, Map<String, double[]> kernels) throws Exception {
        System.setProperty("bantam.cuda.fuseNorm", Boolean.toString(fuseNorm));
        System.setProperty("bantam.cuda.fuseGate", Boolean.toString(fuseGate));
        try (InferenceSession s = CudaGoldenLogitsTest.open(file, tokens.length + 1, 1)) {
            float[] all = CudaGoldenLogitsTest.stepByStep(s, tokens);
            kernels.putAll(((CudaSession) s).profileDecodeStep(new int[] {tokens[0]}));
            return all;
        } finally {
            System.clearProperty("bantam.cuda.fuseNorm");
            System.clearProperty("bantam.cuda.fuseGate");
        }
    }
}
