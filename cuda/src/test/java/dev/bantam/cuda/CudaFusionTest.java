package dev.bantam.cuda;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPU: the batch-1 fusions of F16/BF16 steps (CudaForward's {@code bantam.cuda.fuseNorm}: RMSNorm
 * folded into the kernels that write and read its vector; {@code bantam.cuda.fuseGate}: the gated
 * activation in the [gate; up] product's epilogue) give the logits of the separate launches, step by
 * step (captured graphs after the first step), each alone and both, within 1e-4; and the fused step
 * launches no gated_rows and no rms_norm but where a Gemma post-norm writes x (then only the first
 * layer's, which embed writes, is folded), the unfused one 2·layers + 1 rms_norm and layers gated_rows.
 * The architecture fixtures (f32) are converted to BF16 here: Gemma 3 (post-norms, GeGLU), phi3 (gate and
 * up fused in the file), qwen3 (q/k norms), llama 3.1 (RoPE frequency divisors).
 */
class CudaFusionTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsGpu() {
        Gpus.assumeGpu();
    }

    @ParameterizedTest(name = "{0}/{1} {2}")
    @CsvSource({"tiny,llama-256,bf16", "tiny,llama-256,f16", "tiny,llama-tiny,bf16",
            "arch,llama31-tiny,BF16", "arch,qwen3-tiny,BF16", "arch,gemma3-tiny,BF16", "arch,phi3-tiny,F16"})
    void fusedBatchOneStepsGiveTheSeparateLaunchesLogits(String dir, String model, String type) throws Exception {
        Path file = dir.equals("tiny") ? Fixtures.tinyGguf(model, type)
                : QuantizedCopies.quantize(Fixtures.path(dir + "/" + model + "/" + model + "-f32.gguf"), type, true, tmp);
        int[] tokens = Fixtures.goldenCase(dir + "/" + model, "prompt").tokens();
        boolean postNorms = model.startsWith("gemma");
        Map<String, double[]> kernelsOff = new HashMap<>();
        float[] off = decode(file, tokens, false, false, kernelsOff);
        int layers = (int) kernelsOff.entrySet().stream().filter(e -> e.getKey().startsWith("attn_partial")).mapToDouble(e -> e.getValue()[1]).sum();
        assertThat(launches(kernelsOff, "rms_norm")).as("rms_norm launches of the unfused step").isEqualTo(2 * layers + 1);
        assertThat(launches(kernelsOff, "gated_rows")).as("gated_rows launches of the unfused step").isEqualTo(layers);
        for (boolean[] fuse : new boolean[][] {{true, false}, {false, true}, {true, true}}) {
            Map<String, double[]> kernels = new HashMap<>();
            float[] on = decode(file, tokens, fuse[0], fuse[1], kernels);
            float diff = Agreement.maxAbsDiff(off, on);
            System.out.printf("cuda %s %s fuseNorm=%b fuseGate=%b: max |Δlogit| against the separate launches %.2e over %d steps; kernels %s%n",
                    model, type, fuse[0], fuse[1], diff, tokens.length, kernels.keySet());
            assertThat(diff).as("%s %s fuseNorm=%b fuseGate=%b", model, type, fuse[0], fuse[1]).isLessThanOrEqualTo(1e-4f);
            int norms = !fuse[0] ? 2 * layers + 1 : postNorms ? 2 * layers : 0;
            assertThat(launches(kernels, "rms_norm")).as("rms_norm launches with fuseNorm=" + fuse[0]).isEqualTo(norms);
            assertThat(launches(kernels, "gated_rows")).as("gated_rows launches with fuseGate=" + fuse[1]).isEqualTo(fuse[1] ? 0 : layers);
        }
    }

    /**
     * The persistent feed-forward launch ({@code bantam.cuda.persistent}, persistent.cu) gives the logits of the fused launches
     * it replaces (o _residual, _gated, down _residual), within 1e-4, in one launch a layer instead of three; Gemma 3 (post-norms)
     * keeps its launches.
     */
    @ParameterizedTest(name = "{0}/{1} {2}")
    @CsvSource({"tiny,llama-256,bf16", "tiny,llama-256,f16", "tiny,llama-tiny,bf16",
            "arch,llama31-tiny,BF16", "arch,qwen3-tiny,BF16", "arch,gemma3-tiny,BF16", "arch,phi3-tiny,F16"})
    void persistentFeedForwardGivesTheFusedLaunchesLogits(String dir, String model, String type) throws Exception {
        Path file = dir.equals("tiny") ? Fixtures.tinyGguf(model, type)
                : QuantizedCopies.quantize(Fixtures.path(dir + "/" + model + "/" + model + "-f32.gguf"), type, true, tmp);
        int[] tokens = Fixtures.goldenCase(dir + "/" + model, "prompt").tokens();
        Map<String, double[]> kernelsFused = new HashMap<>(), kernels = new HashMap<>();
        float[] fused = decode(file, tokens, true, true, kernelsFused);
        float[] persistent;
        System.setProperty("bantam.cuda.persistent", "true");
        try {
            persistent = decode(file, tokens, true, true, kernels);
        } finally {
            System.clearProperty("bantam.cuda.persistent");
        }
        float diff = Agreement.maxAbsDiff(fused, persistent);
        int layers = launches(kernelsFused, kernelsFused.keySet().stream().filter(k -> k.startsWith("attn_partial")).findFirst().orElseThrow());
        String ffn = "matvec_" + type.toLowerCase(java.util.Locale.ROOT) + "_b1_ffn";
        System.out.printf("cuda %s %s persistent: max |Δlogit| against the fused launches %.2e over %d steps; %d %s launches, kernels %s%n",
                model, type, diff, tokens.length, launches(kernels, ffn), ffn, kernels.keySet());
        assertThat(diff).as("%s %s persistent", model, type).isLessThanOrEqualTo(1e-4f);
        boolean postNorms = model.startsWith("gemma");
        assertThat(launches(kernels, ffn)).as(ffn + " launches").isEqualTo(postNorms ? 0 : layers);
        if (!postNorms) {
            assertThat(kernels.keySet()).as("no gated product launched beside the persistent one").noneMatch(k -> k.endsWith("_b1_gated"));
        }
    }

    private static int launches(Map<String, double[]> kernels, String name) {
        return kernels.containsKey(name) ? (int) kernels.get(name)[1] : 0;
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
