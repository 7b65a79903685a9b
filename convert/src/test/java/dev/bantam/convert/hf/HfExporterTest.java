package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.convert.SafetensorsFile;
import dev.bantam.core.tokenizer.TokenizerFiles;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.gguf.GgufDequantizer;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.tokenizer.Tokenizers;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HfExporterTest {
    @TempDir
    Path tmp;

    /** export → read back with SafetensorsFile → GGUF again → the CPU engine computes the same logits, as on the dequantized original. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny/llama-tiny/llama-tiny-q8_0.gguf", "tiny/qwen2-tiny/qwen2-tiny-q8_0.gguf", "tiny/gpt2-tiny/gpt2-tiny-q8_0.gguf",
            "tiny/llama-spm-tiny/llama-spm-tiny-f32.gguf"})
    void roundTripComputesTheSameLogits(String fixture) throws Exception {
        Path gguf = Fixtures.path(fixture), dir = tmp.resolve("hf");
        HfExporter.export(gguf, dir, HfDtype.F32, false);
        Path back = tmp.resolve("back.gguf"), reference = tmp.resolve("reference.gguf");
        try (GgufFile original = GgufFile.open(gguf)) {
            Conversions.convert(dir, back, null); // bantam convert's own reader and writer
            GgufDequantizer.toF32(original, reference);
        }
        int[] tokens = {1, 5, 9, 33, 2, 17, 100, 64, 7, 3, 250, 11};
        // to rounding only: the Vector API may sum lanes in another order once C2 has compiled a kernel
        assertThat(logits(back, tokens)).containsExactly(logits(reference, tokens), org.assertj.core.api.Assertions.within(1e-5f));
    }

    /** The un-permutation and the Conv1D transpose against tensors that PyTorch saved (the game fixtures' backbones, converted to GGUF by the project). */
    @ParameterizedTest
    @ValueSource(strings = {"game/game-llama", "game/game-gpt2"})
    void exportedTensorsEqualTheHuggingFaceOriginals(String fixture) throws Exception {
        int compared = 0;
        try (SafetensorsFile hf = SafetensorsFile.open(Fixtures.path(fixture + "/model.safetensors"));
             GgufFile file = GgufFile.open(Fixtures.path(fixture + "/model.gguf"))) {
            ModelConfig c = ModelConfig.from("model.gguf", file.metadata(), 128);
            ExportArchitecture arch = ExportArchitecture.of(c.arch().name()).orElseThrow();
            for (GgufTensorInfo info : file.tensorInfos()) {
                if (info.name().startsWith("head.")) continue; // the policy/value heads are not part of a causal LM
                var map = arch.map(info.name()).orElseThrow();
                String name = "backbone." + map.hfName().substring(arch.prefix().length());
                SafetensorsFile.Tensor expected = hf.get(name);
                assertThat(HfExporter.hfShape(info.shape(), map.transform())).as(name).isEqualTo(expected.shape());
                assertThat(HfExporter.values(file.tensor(info.name()), map.transform(), c)).as(name).isEqualTo(expected.toFloats());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(10);
    }

    /** config.json against the configs transformers wrote for the fixtures (the keys that decide the function). */
    @Test
    void configMatchesTheOnesTransformersWrote() throws Exception {
        check("tiny/llama-tiny/llama-tiny-f32.gguf", "tiny/llama-tiny/hf-config.json", List.of("architectures", "model_type", "hidden_size",
                "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings",
                "rms_norm_eps", "vocab_size", "tie_word_embeddings", "rope_parameters", "hidden_act", "attention_bias", "mlp_bias", "bos_token_id", "eos_token_id"));
        check("tiny/qwen2-tiny/qwen2-tiny-f32.gguf", "tiny/qwen2-tiny/hf-config.json", List.of("architectures", "model_type", "hidden_size",
                "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "max_position_embeddings",
                "rms_norm_eps", "vocab_size", "tie_word_embeddings", "rope_parameters", "use_sliding_window", "sliding_window"));
        check("tiny/gpt2-tiny/gpt2-tiny-f32.gguf", "tiny/gpt2-tiny/hf-config.json", List.of("architectures", "model_type", "n_embd", "n_layer",
                "n_head", "n_positions", "n_ctx", "layer_norm_epsilon", "vocab_size", "tie_word_embeddings", "activation_function", "scale_attn_weights"));
    }

    private void check(String gguf, String hfConfig, List<String> keys) throws Exception {
        Path dir = tmp.resolve(Path.of(gguf).getFileName().toString());
        HfExporter.export(Fixtures.path(gguf), dir, HfDtype.F32, false);
        ObjectMapper json = new ObjectMapper();
        JsonNode ours = json.readTree(dir.resolve("config.json").toFile()), theirs = Fixtures.json(hfConfig);
        for (String k : keys) assertThat(ours.get(k)).as(gguf + " " + k).isEqualTo(theirs.get(k));
    }

    /** tokenizer.json, read by the project's Hugging Face tokenizer reader, gives the GGUF tokenizer's ids on real text. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny/llama-tiny/llama-tiny-f32.gguf", "tiny/qwen2-tiny/qwen2-tiny-f32.gguf"})
    void tokenizerJsonEncodesLikeTheGguf(String fixture) throws Exception {
        Path dir = tmp.resolve("tok");
        HfExporter.export(Fixtures.path(fixture), dir, HfDtype.F32, false);
        String text = Files.readString(Fixtures.path("corpus/persuasion.txt")).substring(0, 20_000);
        var fromJson = TokenizerFiles.fromHuggingFaceJson(dir.resolve("tokenizer.json"));
        try (GgufFile file = GgufFile.open(Fixtures.path(fixture))) {
            var fromGguf = Tokenizers.fromGguf(file.metadata(), fixture);
            assertThat(fromJson.encode(text, false, true)).isEqualTo(fromGguf.encode(text, false, true));
            assertThat(fromJson.addBosByDefault()).isEqualTo(fromGguf.addBosByDefault());
        }
        JsonNode config = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("tokenizer_class").asText()).isEqualTo("PreTrainedTokenizerFast");
    }

    /** SentencePiece vocabularies become transformers' byte-fallback BPE form; merges come from the scores. */
    @Test
    void sentencePieceVocabularyBecomesAByteFallbackBpe() throws Exception {
        Path dir = tmp.resolve("spm");
        HfExporter.export(Fixtures.path("tiny/llama-spm-tiny/llama-spm-tiny-f32.gguf"), dir, HfDtype.F32, false);
        JsonNode tok = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
        assertThat(tok.path("model").path("byte_fallback").asBoolean()).isTrue();
        assertThat(tok.path("model").path("unk_token").asText()).isEqualTo("<unk>");
        assertThat(tok.path("model").path("merges").size()).isGreaterThan(100);
        assertThat(tok.path("post_processor").path("type").asText()).isEqualTo("TemplateProcessing");
        List<List<String>> merges = HfTokenizerFiles.sentencePieceMerges(new String[] {"a", "b", "ab", "c", "abc", "bc"},
                new int[] {1, 1, 1, 1, 1, 1}, new float[] {0, 0, -1, 0, -3, -2});
        assertThat(merges).containsExactly(List.of("a", "b"), List.of("b", "c"), List.of("a", "bc"), List.of("ab", "c"));
    }

    /** f16 and bf16 files hold float32 values rounded to nearest even, with the header's dtype. */
    @Test
    void halfPrecisionExportsRoundOnce() throws Exception {
        Path gguf = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf");
        float[] norm;
        try (GgufFile f = GgufFile.open(gguf)) {
            norm = dev.bantam.core.kernels.Kernels.toFloatArray(f.tensor("blk.0.ffn_up.weight"));
        }
        for (HfDtype t : List.of(HfDtype.F16, HfDtype.BF16)) {
            Path dir = tmp.resolve(t.id());
            HfExporter.export(gguf, dir, t, false);
            byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = (int) b.getLong(0);
            JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, headerLength));
            JsonNode up = header.path("model.layers.0.mlp.up_proj.weight");
            assertThat(up.path("dtype").asText()).isEqualTo(t.safetensors);
            int start = 8 + headerLength + up.path("data_offsets").get(0).asInt();
            for (int i = 0; i < 64; i++) {
                short h = b.getShort(start + 2 * i);
                float expected = t == HfDtype.F16 ? Float.float16ToFloat(Float.floatToFloat16(norm[i])) : roundBf16(norm[i]);
                float got = t == HfDtype.F16 ? Float.float16ToFloat(h) : HfDtype.fromBf16(h);
                assertThat(got).isEqualTo(expected);
            }
            assertThat(new ObjectMapper().readTree(dir.resolve("config.json").toFile()).path("torch_dtype").asText()).isEqualTo(t.torch);
        }
    }

    /** bf16 by arithmetic on doubles (independent of the bit trick): the nearer of the two neighbours, ties to the even one. */
    private static float roundBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        float lo = Float.intBitsToFloat(bits & 0xFFFF0000), hi = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
        double dl = Math.abs((double) v - lo), dh = Math.abs((double) hi - v);
        if (dl != dh) return dl < dh ? lo : hi;
        return ((Float.floatToRawIntBits(lo) >>> 16) & 1) == 0 ? lo : hi;
    }

    @Test
    void refusesToOverwriteAndRefusesModelsWithHeads() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(dir.resolve("keep.txt"), "mine");
        Path gguf = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf");
        assertThatThrownBy(() -> HfExporter.export(gguf, dir, HfDtype.F32, false)).hasMessageContaining("--force");
        assertThat(dir.resolve("keep.txt")).exists();
        HfExporter.export(gguf, dir, HfDtype.F32, true);
        assertThat(dir.resolve("keep.txt")).doesNotExist();
        assertThat(dir.resolve("model.safetensors")).exists();
        assertThatThrownBy(() -> HfExporter.export(Fixtures.path("game/game-llama/model.gguf"), tmp.resolve("heads"), HfDtype.F32, false))
                .hasMessageContaining("policy/value heads");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".export-"));
        }
    }

    @Test
    void permuteAndUnpermuteAreInverse() {
        float[] rows = new float[4 * 8 * 3];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        assertThat(RopeRows.unpermute(RopeRows.permute(rows, 4, 3), 4, 3)).isEqualTo(rows);
        // head 0 of hd 8: GGUF rows 0,1,2,3 are HF rows 0,4,1,5
        float[] p = RopeRows.permute(rows, 4, 3);
        assertThat(new float[] {p[0], p[3], p[6], p[9]}).containsExactly(0, 12, 3, 15);
    }

    private static float[] logits(Path gguf, int[] tokens) throws Exception {
        try (InferenceSession s = new CpuBackend().open(new ModelSource(gguf), SessionOptions.of(1, 64))) {
            return s.prefillAll(tokens);
        }
    }
}
