package dev.bantam.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.cpu.Model;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.cpu.Session;
import dev.bantam.onnx.OnnxExporter.Options;
import dev.bantam.onnx.OnnxExporter.Precision;
import dev.bantam.onnx.OnnxExporter.Result;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import dev.bantam.testing.Fixtures.GoldenCase;
import dev.bantam.onnx.proto.OnnxProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Exported graphs run in ONNX Runtime against the golden logits and Bantam's own CPU engine. */
class OnnxExportTest {
    @TempDir
    static Path tmp;

    private static final Map<String, Result> EXPORTS = new HashMap<>();

    static synchronized Result export(String model, String type, Options options) throws Exception {
        String key = model + "-" + type + "-" + options;
        Result r = EXPORTS.get(key);
        if (r == null) {
            Path out = tmp.resolve(model + "-" + type + "-" + options.precision() + (options.kvCache() ? "" : "-nokv")
                    + "-" + options.opset() + "-" + EXPORTS.size() + ".onnx");
            r = OnnxExporter.export(Fixtures.tinyGguf(model, type), out, options, (done, total, name) -> {});
            EXPORTS.put(key, r);
        }
        return r;
    }

    static OrtRunner runner(Result r, Options o) throws Exception {
        return new OrtRunner(r.model(), r.config(), o.kvCache(), o.precision() == Precision.FP16);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void fp32LogitsMatchGoldenWithin1e3(String model) throws Exception {
        Options o = Options.defaults();
        Result r = export(model, "f32", o);
        try (OrtRunner ort = runner(r, o)) {
            for (GoldenCase c : Fixtures.goldenCases("tiny/" + model)) {
                float diff = Agreement.maxAbsDiff(c.logits(), ort.logits(c.tokens()));
                System.out.printf("%s fp32 %s: max |Δlogit| vs golden %.2e%n", model, c.name(), diff);
                assertThat(diff).as("%s %s", model, c.name()).isLessThanOrEqualTo(1e-3f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void kvCacheDecodeMatchesNoCacheRunAndGreedyIsIdentical(String model) throws Exception {
        Options withCache = Options.defaults();
        Options noCache = Options.defaults().withKvCache(false);
        int[] tokens = Fixtures.goldenCase("tiny/" + model, "random64").tokens();
        float[] whole;
        try (OrtRunner ort = runner(export(model, "f32", noCache), noCache)) {
            whole = ort.logits(tokens);
        }
        try (OrtRunner ort = runner(export(model, "f32", withCache), withCache)) {
            float diff = Agreement.maxAbsDiff(whole, ort.logitsStepByStep(tokens));
            System.out.printf("%s fp32 random64 step by step vs no-cache: max |Δlogit| %.2e%n", model, diff);
            assertThat(diff).isLessThanOrEqualTo(1e-4f);
            JsonNode greedy = Fixtures.json("tiny/" + model + "/golden.json").get("greedy");
            int[] expected = Fixtures.ints(greedy.get("new_tokens"));
            assertThat(ort.greedy(Fixtures.ints(greedy.get("prompt_tokens")), expected.length)).containsExactly(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void fp16TopOneAgreesAtNinetyPercentOfGoldenPositions(String model) throws Exception {
        Options o = Options.defaults().withPrecision(Precision.FP16);
        Result r = export(model, "f32", o);
        int same = 0, total = 0;
        float max = 0;
        try (OrtRunner ort = runner(r, o)) {
            int vocab = r.config().vocabSize();
            for (GoldenCase c : Fixtures.goldenCases("tiny/" + model)) {
                float[] logits = ort.logits(c.tokens());
                same += Agreement.sameTop(c.logits(), logits, vocab);
                total += c.tokens().length;
                max = Math.max(max, Agreement.maxAbsDiff(c.logits(), logits));
            }
            // the fp16 KV cache path runs too
            float[] stepped = ort.logitsStepByStep(Fixtures.goldenCase("tiny/" + model, "random5").tokens());
            assertThat(Agreement.sameTop(stepped, ort.logits(Fixtures.goldenCase("tiny/" + model, "random5").tokens()), vocab)).isEqualTo(5);
        }
        System.out.printf("%s fp16: top-1 %d/%d (%.1f%%), max |Δlogit| vs golden %.4f%n", model, same, total, 100.0 * same / total, max);
        assertThat((double) same / total).isGreaterThanOrEqualTo(0.90);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void int8RunsAndItsTopOneAgreementWithFp32IsReported(String model) throws Exception {
        Options o8 = Options.defaults().withPrecision(Precision.INT8);
        Options o32 = Options.defaults();
        Result r8 = export(model, "f32", o8);
        int same = 0, total = 0;
        float max = 0;
        try (OrtRunner int8 = runner(r8, o8); OrtRunner fp32 = runner(export(model, "f32", o32), o32)) {
            int vocab = r8.config().vocabSize();
            for (GoldenCase c : Fixtures.goldenCases("tiny/" + model)) {
                float[] a = int8.logits(c.tokens()), b = fp32.logits(c.tokens());
                for (float v : a) assertThat(Float.isFinite(v)).isTrue();
                same += Agreement.sameTop(b, a, vocab);
                total += c.tokens().length;
                max = Math.max(max, Agreement.maxAbsDiff(a, b));
            }
            int8.logitsStepByStep(Fixtures.goldenCase("tiny/" + model, "random5").tokens());
        }
        System.out.printf("%s int8 vs fp32 export: top-1 %d/%d (%.1f%%), max |Δlogit| %.4f%n", model, same, total, 100.0 * same / total, max);
        assertThat(same).isPositive();
        // every linear layer is integer; float MatMul remains only in attention (q·kᵀ and p·v)
        var nodes = parse(r8.model()).getGraph().getNodeList();
        assertThat(nodes.stream().filter(n -> n.getOpType().equals("MatMul")).count()).isEqualTo(2L * r8.config().layers());
        assertThat(nodes.stream().filter(n -> n.getOpType().equals("MatMulInteger")).count()).isGreaterThanOrEqualTo(4L * r8.config().layers() + 1);
    }

    /** Two sequences of different lengths in one batch, left- and right-padded, give each one's own last logits. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void raggedBatchMatchesEachSequenceAlone(String model) throws Exception {
        Options o = Options.defaults();
        Result r = export(model, "f32", o);
        int[] a = Fixtures.goldenCase("tiny/" + model, "random17").tokens(), b = Fixtures.goldenCase("tiny/" + model, "random5").tokens();
        int vocab = r.config().vocabSize(), n = a.length;
        try (OrtRunner ort = runner(r, o)) {
            float[] aloneA = last(ort.logits(a), a.length - 1, vocab), aloneB = last(ort.logits(b), b.length - 1, vocab);
            for (boolean left : new boolean[] {true, false}) {
                int pad = n - b.length;
                long[][] ids = {OrtRunner.toLongs(a), new long[n]}, mask = {OrtRunner.ones(n), new long[n]}, pos = {OrtRunner.range(0, n), new long[n]};
                for (int i = 0; i < b.length; i++) {
                    int slot = left ? pad + i : i;
                    ids[1][slot] = b[i];
                    mask[1][slot] = 1;
                    pos[1][slot] = i;
                }
                float[] logits = ort.run(ids, mask, pos, null);
                float dA = Agreement.maxAbsDiff(aloneA, last(logits, n - 1, vocab));
                float dB = Agreement.maxAbsDiff(aloneB, last(logits, n + (left ? n - 1 : b.length - 1), vocab));
                System.out.printf("%s ragged batch (%s-padded): max |Δlogit| %.2e, %.2e%n", model, left ? "left" : "right", dA, dB);
                assertThat(dA).isLessThanOrEqualTo(1e-4f);
                assertThat(dB).isLessThanOrEqualTo(1e-4f);
            }
        }
    }

    private static float[] last(float[] logits, int position, int vocab) {
        return Arrays.copyOfRange(logits, position * vocab, (position + 1) * vocab);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void quantizedGgufExportMatchesBantamCpuEngineOnTheSameFile(String model) throws Exception {
        Options o = Options.defaults();
        Result r = export(model, "q8_0", o);
        int[] tokens = Fixtures.goldenCase("tiny/" + model, "prompt").tokens();
        float[] bantam;
        try (Model m = Model.load(Fixtures.tinyGguf(model, "q8_0"), 2)) {
            Session s = m.newSession(tokens.length);
            bantam = s.prefillAll(tokens);
        }
        try (OrtRunner ort = runner(r, o)) {
            float diff = Agreement.maxAbsDiff(bantam, ort.logits(tokens));
            System.out.printf("%s q8_0 export vs Bantam CPU: max |Δlogit| %.2e%n", model, diff);
            assertThat(diff).isLessThanOrEqualTo(1e-3f);
        }
    }

    @Test
    void externalDataAndNewerOpsetGiveTheSameLogits() throws Exception {
        String model = "llama-tiny";
        int[] tokens = Fixtures.goldenCase("tiny/" + model, "random17").tokens();
        Options inline = Options.defaults();
        Options external = Options.defaults().withExternalDataThreshold(0);
        Options opset21 = Options.defaults().withOpset(21);
        Result ri = export(model, "f32", inline), re = export(model, "f32", external), r21 = export(model, "f32", opset21);
        assertThat(ri.externalData()).isNull();
        assertThat(re.externalData()).exists();
        assertThat(Files.size(re.model())).isLessThan(Files.size(ri.model()) / 4);
        OnnxProto.ModelProto proto = parse(re.model());
        assertThat(proto.getGraph().getInitializerList()).anyMatch(t -> t.getDataLocation() == OnnxProto.TensorProto.DataLocation.EXTERNAL
                && t.getExternalDataList().stream().anyMatch(e -> e.getKey().equals("location") && e.getValue().equals(re.externalData().getFileName().toString())));
        float[] expected;
        try (OrtRunner ort = runner(ri, inline)) {
            expected = ort.logits(tokens);
        }
        try (OrtRunner ort = runner(re, external)) {
            assertThat(Agreement.maxAbsDiff(expected, ort.logits(tokens))).isZero();
        }
        try (OrtRunner ort = runner(r21, opset21)) {
            assertThat(Agreement.maxAbsDiff(expected, ort.logits(tokens))).isLessThanOrEqualTo(1e-5f);
        }
        assertThat(parse(r21.model()).getOpsetImport(0).getVersion()).isEqualTo(21);
    }

    /** Standard operators only, in the default domain, with the documented input and output names. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void graphUsesOnlyTheDefaultDomainAndTheDocumentedNames(String model) throws Exception {
        for (Precision p : Precision.values()) {
            Result r = export(model, "f32", Options.defaults().withPrecision(p));
            OnnxProto.ModelProto proto = parse(r.model());
            assertThat(proto.getOpsetImportList()).hasSize(1);
            assertThat(proto.getOpsetImport(0).getDomain()).isEmpty();
            assertThat(proto.getOpsetImport(0).getVersion()).isEqualTo(17);
            assertThat(proto.getGraph().getNodeList()).allMatch(n -> n.getDomain().isEmpty());
            ModelConfig c = r.config();
            var inputs = proto.getGraph().getInputList().stream().map(OnnxProto.ValueInfoProto::getName).toList();
            var outputs = proto.getGraph().getOutputList().stream().map(OnnxProto.ValueInfoProto::getName).toList();
            assertThat(inputs).startsWith("input_ids", "attention_mask", "position_ids").contains("past_key_values.0.key",
                    "past_key_values." + (c.layers() - 1) + ".value").hasSize(3 + 2 * c.layers());
            assertThat(outputs).startsWith("logits").contains("present.0.key", "present." + (c.layers() - 1) + ".value").hasSize(1 + 2 * c.layers());
        }
        Result noKv = export(model, "f32", Options.defaults().withKvCache(false));
        OnnxProto.GraphProto g = parse(noKv.model()).getGraph();
        assertThat(g.getInputList().stream().map(OnnxProto.ValueInfoProto::getName)).containsExactly("input_ids", "attention_mask", "position_ids");
        assertThat(g.getOutputList().stream().map(OnnxProto.ValueInfoProto::getName)).containsExactly("logits");
    }

    static OnnxProto.ModelProto parse(Path model) throws Exception {
        try (InputStream in = Files.newInputStream(model)) {
            return OnnxProto.ModelProto.parseFrom(in);
        }
    }

    static java.util.Set<String> opTypes(Path model) throws Exception {
        java.util.Set<String> ops = new java.util.TreeSet<>();
        for (var n : parse(model).getGraph().getNodeList()) ops.add(n.getOpType());
        return ops;
    }
}
