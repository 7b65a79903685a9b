package dev.bantam.onnx;

import dev.bantam.core.cpu.Model;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.model.GoldenLogits;
import dev.bantam.core.model.LongRope;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.onnx.OnnxExporter.Options;
import dev.bantam.onnx.OnnxExporter.Precision;
import dev.bantam.onnx.OnnxExporter.Result;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import dev.bantam.testing.Fixtures.GoldenCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The architectures of the models people download (fixtures/arch, specs/architectures.md) exported
 * to ONNX and run on ONNX Runtime against transformers' float64 logits: llama3 rope factors,
 * qwen3 q/k norms, gemma3's scaled embeddings, sandwich norms, GeGLU, sliding window and per-layer
 * rope base, phi3's fused tensors. Every golden case through the whole-prompt run and step by step
 * through the KV cache outputs; the 64- and 200-token cases cross Gemma's 8-token window.
 */
class OnnxArchGoldenTest {
    @TempDir
    static Path tmp;

    private static Result export(String model, Options o) throws Exception {
        Path out = tmp.resolve(model + "-" + o.precision() + ".onnx");
        return OnnxExporter.export(Fixtures.path("arch/" + model + "/" + model + "-f32.gguf"), out, o, (done, total, name) -> {});
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"})
    void fp32LogitsWithin1e3PrefillAndStepwiseAndGreedyIdentical(String model) throws Exception {
        Result r = export(model, Options.defaults());
        try (OrtRunner ort = new OrtRunner(r.model(), r.config(), true, false)) {
            Map<String, GoldenLogits.LogitsPath> paths = new LinkedHashMap<>();
            paths.put("prefill", ort::logits);
            paths.put("step by step", ort::logitsStepByStep);
            GoldenLogits.assertMatch(model + " onnx fp32", model, r.config().vocabSize(), paths, ort::greedy);
        }
    }

    /** The reduced-precision exports of the same rows run, through the cache too, and keep the golden top-1 by the fp16/int8 rules of OnnxExportTest. */
    @ParameterizedTest
    @ValueSource(strings = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"})
    void fp16AndInt8ExportsKeepTopOne(String model) throws Exception {
        String dir = "arch/" + model + "/";
        for (Precision p : new Precision[] {Precision.FP16, Precision.INT8}) {
            Options o = Options.defaults().withPrecision(p);
            Result r = export(model, o);
            int same = 0, total = 0;
            try (OrtRunner ort = new OrtRunner(r.model(), r.config(), true, p == Precision.FP16)) {
                int vocab = r.config().vocabSize();
                for (GoldenCase c : Fixtures.goldenCases(dir)) {
                    float[] logits = ort.logits(c.tokens());
                    for (float v : logits) assertThat(Float.isFinite(v)).isTrue();
                    same += Agreement.sameTop(c.logits(), logits, vocab);
                    total += c.tokens().length;
                }
                int[] five = Fixtures.goldenCase(dir, "random5").tokens();
                float[] stepped = ort.logitsStepByStep(five);
                for (float v : stepped) assertThat(Float.isFinite(v)).isTrue();
                // INT8 quantizes the activations per tensor: five rows at once share a scale that one row
                // alone does not, so on these near-flat random models the cache path may differ in top-1
                // (it did on AVX2 without VNNI); FP16 has no such step and must agree everywhere
                if (p == Precision.FP16) assertThat(Agreement.sameTop(stepped, ort.logits(five), vocab)).as("%s %s cache path", model, p).isEqualTo(5);
            }
            System.out.printf("%s onnx %s: top-1 vs golden %d/%d (%.1f%%)%n", model, p, same, total, 100.0 * same / total);
            assertThat((double) same / total).as("%s %s top-1", model, p).isGreaterThanOrEqualTo(p == Precision.FP16 ? 0.90 : 0.5);
        }
    }

    /**
     * Phi-3 longrope: phi3-tiny with long and short factor tensors (original context 64 of 512) and
     * an attn_factor. The export turns with the factors of its context (512: long), as the CPU
     * engine does for a cache of that size; the engine's longrope is checked against a float64
     * reference in the convert module (Phi3LongropeTest).
     */
    @Test
    void phi3LongropeExportMatchesTheCpuEngineAtTheExportedContext() throws Exception {
        Path gguf = tmp.resolve("phi3-longrope.gguf");
        try (GgufFile f = GgufFile.open(Fixtures.path("arch/phi3-tiny/phi3-tiny-f32.gguf"))) {
            GgufWriter w = new GgufWriter().putAll(f.metadata())
                    .put("phi3.rope.scaling.original_context_length", GgufValue.ofU32(64))
                    .put("phi3.rope.scaling.attn_factor", GgufValue.ofF32(1.2247449f));
            for (GgufTensorInfo i : f.tensorInfos()) w.addTensor(i.name(), i.type(), i.shape(), f.tensor(i.name()).data());
            w.addTensor(LongRope.LONG, WeightType.F32, new long[] {8}, f32(1.0f, 1.3f, 1.9f, 2.6f, 3.4f, 4.8f, 6.5f, 8.0f));
            w.addTensor(LongRope.SHORT, WeightType.F32, new long[] {8}, f32(1.0f, 1.02f, 1.05f, 1.1f, 1.2f, 1.35f, 1.5f, 1.7f));
            w.write(gguf);
        }
        Result r = OnnxExporter.export(gguf, tmp.resolve("phi3-longrope.onnx"), Options.defaults(), (done, total, name) -> {});
        try (Model cpu = Model.load(gguf, 2); OrtRunner ort = new OrtRunner(r.model(), r.config(), true, false)) {
            int vocab = r.config().vocabSize();
            for (GoldenCase c : Fixtures.goldenCases("arch/phi3-tiny")) {
                float[] expected = cpu.newSession(r.config().contextLength()).prefillAll(c.tokens());
                // the factors change these logits far beyond the tolerance, so ignoring them would fail
                if (c.tokens().length >= 17) assertThat(Agreement.maxAbsDiff(expected, c.logits())).isGreaterThan(0.01f);
                float prefill = Agreement.maxAbsDiff(expected, ort.logits(c.tokens()));
                float stepwise = Agreement.maxAbsDiff(expected, ort.logitsStepByStep(c.tokens()));
                System.out.printf("phi3 longrope onnx fp32 %s vs cpu: max |Δ| prefill %.2e, step by step %.2e%n", c.name(), prefill, stepwise);
                assertThat(prefill).as(c.name()).isLessThanOrEqualTo(1e-4f);
                assertThat(stepwise).as(c.name()).isLessThanOrEqualTo(1e-4f);
            }
        }
    }

    private static MemorySegment f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return MemorySegment.ofArray(b.array());
    }
}
