package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.convert.SafetensorsFile.Dtype;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows that have no Hugging Face fixture (gpt2, qwen2, mistral) and the checkpoint layouts
 * (F16 and BF16 tensors, shards): the tiny GGUF fixtures, which llama.cpp's converter wrote from
 * transformers checkpoints, are turned back into such checkpoints (Hugging Face names, q/k rows
 * un-permuted, Conv1D transposed back), converted again, and must come out byte for byte as
 * llama.cpp's f32, f16 and bf16 files, and reproduce the golden logits on the engine.
 */
class TinyRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
            "llama-tiny, LlamaForCausalLM,   F32,  1",
            "llama-tiny, MistralForCausalLM, F32,  3",
            "llama-tiny, LlamaForCausalLM,   BF16, 2",
            "qwen2-tiny, Qwen2ForCausalLM,   F32,  2",
            "qwen2-tiny, Qwen2ForCausalLM,   F16,  1",
            "gpt2-tiny,  GPT2LMHeadModel,    F32,  1",
            "gpt2-tiny,  GPT2LMHeadModel,    F16,  2"})
    void convertsBackToLlamaCppsFile(String model, String hfClass, Dtype dtype, int shards) throws Exception {
        String dir = "tiny/" + model + "/";
        Path hf = Files.createDirectories(tmp.resolve("hf"));
        checkpointFrom(Fixtures.path(dir + model + "-f32.gguf"), Fixtures.path(dir + "hf-config.json"), hfClass, dtype, shards, hf);
        Path out = Conversions.convert(hf, tmp.resolve("out.gguf"), null);
        String suffix = dtype.name().toLowerCase();
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(Fixtures.path(dir + model + "-" + suffix + ".gguf"))) {
            assertThat(ours.metadata().getString("general.architecture")).isEqualTo(theirs.metadata().getString("general.architecture"));
            assertThat(ours.metadata().getLong("general.file_type")).isEqualTo(theirs.metadata().getLong("general.file_type"));
            assertThat(ours.tensorInfos().stream().map(GgufTensorInfo::name))
                    .containsExactlyInAnyOrderElementsOf(theirs.tensorInfos().stream().map(GgufTensorInfo::name).toList());
            for (GgufTensorInfo t : theirs.tensorInfos()) {
                TensorView a = ours.tensor(t.name()), b = theirs.tensor(t.name());
                assertThat(a.type()).as(t.name()).isEqualTo(b.type());
                assertThat(a.shape()).as(t.name()).containsExactly(b.shape());
                assertThat(a.data().toArray(ValueLayout.JAVA_BYTE)).as(t.name()).isEqualTo(b.data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        if (dtype == Dtype.F32) GoldenCheck.assertMatches(out, dir, 1e-3f);
    }

    /** An f32 checkpoint written as f16 or bf16: the same rounding as llama.cpp's converter. */
    @ParameterizedTest
    @CsvSource({"gpt2-tiny, GPT2LMHeadModel, F16", "qwen2-tiny, Qwen2ForCausalLM, BF16", "llama-tiny, LlamaForCausalLM, F16"})
    void convertsF32ToF16AndBf16AsLlamaCppDoes(String model, String hfClass, WeightType type) throws Exception {
        String dir = "tiny/" + model + "/";
        Path hf = Files.createDirectories(tmp.resolve("hf"));
        checkpointFrom(Fixtures.path(dir + model + "-f32.gguf"), Fixtures.path(dir + "hf-config.json"), hfClass, Dtype.F32, 1, hf);
        Path out = Conversions.convert(hf, tmp.resolve("out.gguf"), type);
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(Fixtures.path(dir + model + "-" + type.name().toLowerCase() + ".gguf"))) {
            for (GgufTensorInfo t : theirs.tensorInfos()) {
                assertThat(ours.tensor(t.name()).type()).as(t.name()).isEqualTo(t.type());
                assertThat(ours.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE)).as(t.name()).isEqualTo(theirs.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    /**
     * A transformers-style checkpoint of {@code gguf}'s weights: matrices in {@code dtype}; norms,
     * biases and learned positions in F32, as llama.cpp's files keep them (real checkpoints mix too).
     */
    static void checkpointFrom(Path gguf, Path hfConfig, String hfClass, Dtype dtype, int shards, Path out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(hfConfig.toFile());
        config.putArray("architectures").add(hfClass);
        Files.writeString(out.resolve("config.json"), config.toPrettyString());
        Files.copy(Fixtures.path("tokenizers/bpe512-tokenizer.json"), out.resolve("tokenizer.json"));
        Files.writeString(out.resolve("tokenizer_config.json"), "{\"bos_token\": \"<|endoftext|>\", \"eos_token\": \"<|endoftext|>\"}");

        HfArchitecture row = HfArchitectures.ROWS.stream().filter(r -> r.hfClasses().contains(hfClass)).findFirst().orElseThrow();
        int heads = config.path("num_attention_heads").asInt(), kvHeads = config.path("num_key_value_heads").asInt(heads);
        SafetensorsTestWriter w = new SafetensorsTestWriter();
        try (GgufFile f = GgufFile.open(gguf)) {
            for (GgufTensorInfo info : f.tensorInfos()) {
                String name = info.name();
                if (name.equals("output.weight") && row.transforms().contains(HfArchitecture.Transform.OUTPUT_COPY_OF_EMBEDDING)) continue;
                float[] v = dev.bantam.core.kernels.Kernels.toFloatArray(f.tensor(name));
                long[] ne = info.shape();
                long[] shape = ne.length == 1 ? new long[] {ne[0]} : new long[] {ne[1], ne[0]};
                if (row.transforms().contains(HfArchitecture.Transform.PERMUTE_QK) && name.matches("blk\\.\\d+\\.attn_[qk]\\.weight")) {
                    v = unpermuted(v, (int) ne[1], (int) ne[0], name.contains("attn_q") ? heads : kvHeads);
                }
                if (row.transforms().contains(HfArchitecture.Transform.CONV1D) && name.matches("blk\\.\\d+\\.(attn_qkv|attn_output|ffn_up|ffn_down)\\.weight")) {
                    v = transposed(v, (int) ne[1], (int) ne[0]);
                    shape = new long[] {ne[0], ne[1]};
                }
                boolean matrix = ne.length > 1 && !name.startsWith("position_embd");
                w.add(hfName(row, name), matrix ? dtype : Dtype.F32, shape, v);
            }
        }
        if (shards == 1) w.write(out.resolve("model.safetensors"));
        else w.writeSharded(out, shards);
    }

    private static String hfName(HfArchitecture row, String gguf) {
        String layer = gguf.replaceAll("^blk\\.(\\d+)\\..*", "$1");
        boolean inBlock = !layer.equals(gguf);
        String stem = gguf.substring(0, gguf.lastIndexOf('.')), suffix = gguf.substring(gguf.lastIndexOf('.'));
        String generic = inBlock ? stem.replaceFirst("^blk\\.\\d+\\.", "blk.N.") : stem;
        for (Map.Entry<String, String> e : row.names().entrySet()) {
            if (e.getValue().equals(generic)) return (inBlock ? e.getKey().replace("N", layer) : e.getKey()) + suffix;
        }
        throw new AssertionError("no Hugging Face name for " + gguf);
    }

    /** The inverse of the converter's rope permutation: GGUF row r came from row ropeSourceRow(r). */
    private static float[] unpermuted(float[] v, int rows, int cols, int heads) {
        float[] out = new float[v.length];
        for (int r = 0; r < rows; r++) System.arraycopy(v, r * cols, out, RowTransforms.ropeSourceRow(r, rows, heads) * cols, cols);
        return out;
    }

    /** GGUF's [out][in] back to Conv1D's [in][out]. */
    private static float[] transposed(float[] v, int rows, int cols) {
        float[] out = new float[v.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c];
        return out;
    }
}
