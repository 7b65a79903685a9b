package dev.bantam.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.eval.Perplexity;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.core.tokenizer.Tokenizers;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import dev.bantam.testing.Fixtures.GoldenCase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The onnx-cpu backend through the SPI only: golden logits, KV cache, ragged batches, precisions, tokenizer. */
class OnnxBackendTest {
    @TempDir
    static Path tmp;

    private static OnnxBackend backend;

    @BeforeAll
    static void setUp() {
        backend = new OnnxBackend.Cpu(new OnnxModelCache(tmp.resolve("cache")));
    }

    static InferenceSession open(Path model, String precision, int batch) throws Exception {
        return backend.open(new ModelSource(model), new SessionOptions(2, 0, batch).withBackendOption(OnnxBackend.PRECISION, precision));
    }

    static int argmax(float[] x) {
        return Agreement.argmax(x, 0, x.length);
    }

    @Test
    void backendsAreRegisteredAndTheGpuOnesSayWhyTheyAreUnavailable() throws Exception {
        assertThat(InferenceBackend.all().stream().map(InferenceBackend::id)).contains("cpu", "onnx-cpu", "onnx-cuda", "onnx-tensorrt");
        assertThat(InferenceBackend.byId("onnx-cpu").orElseThrow().availability().available()).isTrue();
        assumeThat(OrtEnvironment.getAvailableProviders()).doesNotContain(OrtProvider.CUDA);
        var cuda = InferenceBackend.byId("onnx-cuda").orElseThrow().availability();
        assertThat(cuda.available()).isFalse();
        assertThat(cuda.reason()).isEqualTo("ONNX Runtime on the class path has no CUDA execution provider; build with -P onnx-gpu on a machine with CUDA");
        var trt = InferenceBackend.byId("onnx-tensorrt").orElseThrow().availability();
        assertThat(trt.available()).isFalse();
        assertThat(trt.reason()).contains("no TensorRT execution provider", "-P onnx-gpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void fp32SessionReproducesGoldenLogitsAndGreedyContinuation(String model) throws Exception {
        try (InferenceSession s = open(Fixtures.tinyGguf(model, "f32"), "fp32", 1)) {
            for (GoldenCase c : Fixtures.goldenCases("tiny/" + model)) {
                s.reset();
                float diff = Agreement.maxAbsDiff(c.logits(), s.prefillAll(c.tokens()));
                System.out.printf("onnx-cpu %s fp32 %s: max |Δlogit| vs golden %.2e%n", model, c.name(), diff);
                assertThat(diff).as("%s %s", model, c.name()).isLessThanOrEqualTo(1e-3f);
            }
            JsonNode greedy = Fixtures.json("tiny/" + model + "/golden.json").get("greedy");
            int[] expected = Fixtures.ints(greedy.get("new_tokens"));
            s.reset();
            int[] got = new int[expected.length];
            float[] logits = s.prefill(new int[][] {Fixtures.ints(greedy.get("prompt_tokens"))}).row(0);
            for (int i = 0; i < got.length; i++) {
                got[i] = argmax(logits);
                if (i + 1 < got.length) logits = s.decode(new int[] {got[i]}).row(0);
            }
            assertThat(got).containsExactly(expected);
        }
    }

    /** 64 tokens one at a time through the ORT-held cache = all at once, with and without a cache in the graph. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void kvCacheDecodeStepByStepMatchesPrefillAll(String model) throws Exception {
        int[] tokens = Fixtures.goldenCase("tiny/" + model, "random64").tokens();
        assertThat(tokens).hasSize(64);
        Path noKv = tmp.resolve(model + "-nokv.onnx");
        OnnxExporter.export(Fixtures.tinyGguf(model, "f32"), noKv, OnnxExporter.Options.defaults().withKvCache(false), (d, t, n) -> {});
        float[] whole;
        try (InferenceSession s = backend.open(new ModelSource(noKv), new SessionOptions(2, 0, 1))) {
            whole = s.prefillAll(tokens);
            // a graph without cache also decodes (re-running the history)
            s.reset();
            s.prefill(new int[][] {Arrays.copyOf(tokens, 63)});
            float diff = Agreement.maxAbsDiff(Arrays.copyOfRange(whole, 63 * s.vocabSize(), 64 * s.vocabSize()), s.decode(new int[] {tokens[63]}).row(0));
            assertThat(diff).isLessThanOrEqualTo(1e-4f);
        }
        try (InferenceSession s = open(Fixtures.tinyGguf(model, "f32"), "fp32", 1)) {
            int vocab = s.vocabSize();
            float[] stepped = new float[tokens.length * vocab];
            System.arraycopy(s.prefill(new int[][] {{tokens[0]}}).data(), 0, stepped, 0, vocab);
            for (int i = 1; i < tokens.length; i++) System.arraycopy(s.decode(new int[] {tokens[i]}).data(), 0, stepped, i * vocab, vocab);
            s.reset();
            float[] all = s.prefillAll(tokens);
            float dCache = Agreement.maxAbsDiff(all, stepped), dNoKv = Agreement.maxAbsDiff(whole, stepped);
            System.out.printf("onnx-cpu %s random64 step by step: max |Δlogit| %.2e vs prefillAll, %.2e vs the no-cache graph%n", model, dCache, dNoKv);
            assertThat(dCache).isLessThanOrEqualTo(1e-4f);
            assertThat(dNoKv).isLessThanOrEqualTo(1e-4f);
        }
    }

    /** Two prompts of 17 and 5 tokens in one batch, then three decode steps: each row equals that sequence run alone. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void raggedBatchMatchesEachSequenceAlone(String model) throws Exception {
        int[][] prompts = {Fixtures.goldenCase("tiny/" + model, "random17").tokens(), Fixtures.goldenCase("tiny/" + model, "random5").tokens()};
        int[][] next = {{3, 7}, {11, 2}, {5, 5}};
        try (InferenceSession s = open(Fixtures.tinyGguf(model, "f32"), "fp32", 2)) {
            float[][] alone = new float[2][];
            for (int b = 0; b < 2; b++) {
                s.reset();
                float[] steps = s.prefill(new int[][] {prompts[b]}).data();
                for (int[] step : next) steps = concat(steps, s.decode(new int[] {step[b]}).data());
                alone[b] = steps;
            }
            s.reset();
            Logits first = s.prefill(prompts);
            float[][] batched = {first.row(0), first.row(1)};
            for (int[] step : next) {
                Logits l = s.decode(step);
                for (int b = 0; b < 2; b++) batched[b] = concat(batched[b], l.row(b));
            }
            for (int b = 0; b < 2; b++) {
                float diff = Agreement.maxAbsDiff(alone[b], batched[b]);
                System.out.printf("onnx-cpu %s ragged batch, sequence %d: max |Δlogit| %.2e%n", model, b, diff);
                assertThat(diff).isLessThanOrEqualTo(1e-4f);
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"austen-llama-7m", "austen-gpt2-7m"})
    void fp16AgreesOnTopOneAtEveryGoldenPositionOfTheDefaultModels(String model) throws Exception {
        GoldenCase prompt = Fixtures.goldenCase("default/" + model, "prompt");
        int[] tokens = prompt.tokens();
        float[] golden = prompt.logits();
        try (InferenceSession s = open(Fixtures.defaultModel(model), "fp16", 1)) {
            float[] logits = s.prefillAll(tokens);
            int same = Agreement.sameTop(golden, logits, s.vocabSize());
            System.out.printf("onnx-cpu %s fp16: top-1 %d/%d, max |Δlogit| %.4f%n", model, same, tokens.length, Agreement.maxAbsDiff(golden, logits));
            assertThat(same).isEqualTo(tokens.length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny"})
    void fp16AgreesOnTopOneAtNinetyPercentOfTinyModelPositions(String model) throws Exception {
        int same = 0, total = 0;
        try (InferenceSession s = open(Fixtures.tinyGguf(model, "f32"), "fp16", 1)) {
            for (GoldenCase c : Fixtures.goldenCases("tiny/" + model)) {
                s.reset();
                same += Agreement.sameTop(c.logits(), s.prefillAll(c.tokens()), s.vocabSize());
                total += c.tokens().length;
            }
            // the float16 cache path through decode
            int[] r5 = Fixtures.goldenCase("tiny/" + model, "random5").tokens();
            s.reset();
            float[] all = s.prefillAll(r5);
            s.reset();
            s.prefill(new int[][] {Arrays.copyOf(r5, 4)});
            assertThat(argmax(s.decode(new int[] {r5[4]}).row(0))).isEqualTo(Agreement.argmax(all, 4 * s.vocabSize(), s.vocabSize()));
        }
        System.out.printf("onnx-cpu %s fp16: top-1 %d/%d (%.1f%%)%n", model, same, total, 100.0 * same / total);
        assertThat((double) same / total).isGreaterThanOrEqualTo(0.90);
    }

    /**
     * Perplexity on the whole of persuasion.txt, -c 256: the fp32 export of the q8_0 file against
     * Bantam's CPU engine on that file (49.9166, 44.9162) within 0.1%, and the int8 export against
     * the fp32 export within 2%.
     */
    @ParameterizedTest
    @CsvSource({"austen-llama-7m,49.9166", "austen-gpt2-7m,44.9162"})
    void fp32PerplexityMatchesBantamCpuAndInt8IsWithinTwoPercentOfFp32(String model, double bantamCpu) throws Exception {
        String text = Files.readString(Fixtures.path("corpus/persuasion.txt"), StandardCharsets.UTF_8);
        double fp32, int8;
        try (InferenceSession s = open(Fixtures.defaultModel(model), "fp32", 1)) {
            Tokenizer t = s.tokenizer();
            int[] tokens = t.encode(text, t.addBosByDefault(), false);
            int bos = t.addBosByDefault() ? t.bosId() : -1;
            fp32 = Perplexity.compute(s, tokens, 256, bos, null).ppl();
            try (InferenceSession q = open(Fixtures.defaultModel(model), "int8", 1)) {
                int8 = Perplexity.compute(q, tokens, 256, bos, null).ppl();
            }
        }
        System.out.printf("onnx-cpu %s PPL: fp32 %.4f (Bantam cpu %.4f, %+.3f%%), int8 %.4f (%+.2f%% vs fp32)%n",
                model, fp32, bantamCpu, 100 * (fp32 / bantamCpu - 1), int8, 100 * (int8 / fp32 - 1));
        assertThat(fp32).isCloseTo(bantamCpu, within(bantamCpu * 0.001));
        assertThat(int8).isCloseTo(fp32, within(fp32 * 0.02));
    }

    /** An exported .onnx file carries the GGUF's tokenizer, context length and vocabulary in its metadata. */
    @ParameterizedTest
    @ValueSource(strings = {"austen-llama-7m", "austen-gpt2-7m"})
    void onnxFileAloneHasTheGgufTokenizer(String model) throws Exception {
        Path gguf = Fixtures.defaultModel(model);
        Path onnx = new OnnxModelCache(tmp.resolve("cache")).get(gguf, OnnxExporter.Precision.FP32);
        Tokenizer expected;
        int context;
        try (GgufFile f = GgufFile.open(gguf)) {
            expected = Tokenizers.fromGguf(f.metadata(), gguf.getFileName().toString());
            context = (int) f.metadata().asMap().entrySet().stream().filter(e -> e.getKey().endsWith(".context_length")).findFirst().orElseThrow().getValue().asLong();
        }
        String text = Files.readString(Fixtures.path("corpus/persuasion.txt"), StandardCharsets.UTF_8).substring(0, 20_000);
        try (InferenceSession s = backend.open(new ModelSource(onnx), new SessionOptions(2, 0, 1))) {
            Tokenizer t = s.tokenizer();
            assertThat(t.getClass()).isEqualTo(expected.getClass());
            assertThat(t.vocabSize()).isEqualTo(expected.vocabSize());
            assertThat(t.bosId()).isEqualTo(expected.bosId());
            assertThat(t.eosId()).isEqualTo(expected.eosId());
            assertThat(t.addBosByDefault()).isEqualTo(expected.addBosByDefault());
            assertThat(t.encode(text, true, true)).containsExactly(expected.encode(text, true, true));
            assertThat(s.contextSize()).isEqualTo(context);
            assertThat(s.vocabSize()).isEqualTo(expected.vocabSize());
        }
        // the cache entry is reused, not exported again
        long modified = Files.getLastModifiedTime(onnx).toMillis();
        assertThat(new OnnxModelCache(tmp.resolve("cache")).get(gguf, OnnxExporter.Precision.FP32)).isEqualTo(onnx);
        assertThat(Files.getLastModifiedTime(onnx).toMillis()).isEqualTo(modified);
        assertThat(onnx.getFileName().toString()).isEqualTo(OnnxModelCache.sha256(gguf) + "-fp32.onnx");
    }
}
