package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.convert.SafetensorsFile;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Test helper, the way back: an exported directory read with the project's own safetensors
 * reader, each tensor put back under its GGUF name and layout (q/k re-permuted with the head
 * counts read from the exported config.json, Conv1D transposed), written as an F32 GGUF with the
 * original's metadata. Stands in for {@code bantam convert HF_DIR OUT.gguf} until that exists.
 */
final class HfDirToGguf {
    private HfDirToGguf() {}

    static void convert(Path dir, GgufFile original, Path out) throws IOException {
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        SafetensorsFile st = SafetensorsFile.read(dir.resolve("model.safetensors"));
        String archName = original.metadata().getString("general.architecture");
        HfArchitecture arch = HfArchitecture.of(archName).orElseThrow();
        int heads = config.path(arch.gguf().equals("gpt2") ? "n_head" : "num_attention_heads").asInt();
        int kvHeads = config.path("num_key_value_heads").asInt(heads);
        GgufWriter w = new GgufWriter().putAll(original.metadata());
        w.put("general.file_type", GgufValue.ofU32(0));
        for (GgufTensorInfo info : original.tensorInfos()) {
            var map = arch.map(info.name()).orElseThrow();
            // a tied lm_head is not saved; the GGUF's copy is the embedding (what llama.cpp's gpt2 converter writes)
            String hfName = info.name().equals("output.weight") && config.path("tie_word_embeddings").asBoolean(false)
                    ? arch.map("token_embd.weight").orElseThrow().hfName() : map.hfName();
            SafetensorsFile.Tensor t = st.get(hfName);
            int cols = info.shape().length == 2 ? (int) info.shape()[0] : 1;
            float[] v = switch (map.transform()) {
                case NONE -> t.values();
                case UNPERMUTE_Q -> RopeRows.permute(t.values(), heads, cols);
                case UNPERMUTE_K -> RopeRows.permute(t.values(), kvHeads, cols);
                case TRANSPOSE -> info.shape().length == 1 ? t.values() : transpose(t.values(), (int) t.shape()[0], (int) t.shape()[1]);
            };
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            w.addTensor(info.name(), WeightType.F32, info.shape(), MemorySegment.ofArray(b.array()));
        }
        w.write(out);
    }

    /** [rows][cols] → [cols][rows]. */
    static float[] transpose(float[] v, int rows, int cols) {
        float[] out = new float[v.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c];
        return out;
    }
}
