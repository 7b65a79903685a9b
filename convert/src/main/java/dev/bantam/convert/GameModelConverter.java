package dev.bantam.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.convert.hf.RowTransforms;
import dev.bantam.game.HeadsFormat;
import dev.bantam.core.gguf.GgufValue.GgufArray;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufValueType;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.core.tokenizer.ByteLevel;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.bantam.core.format.ModelFormatException.quote;

/**
 * Converts a policy/value network as PyTorch users save it — {@code model.safetensors} with the
 * backbone under {@code backbone.} (Hugging Face GPT-2 or Llama names) and linear heads under
 * {@code policy.} and {@code value.}, plus the backbone's {@code config.json} — into a float32
 * GGUF file: the backbone under llama.cpp's tensor names, the heads as {@code head.*} tensors
 * with {@code bantam.head.*} metadata ({@link HeadsFormat}), and a 128-symbol ASCII vocabulary.
 */
public final class GameModelConverter {
    private static final int ASCII = 128;

    private final JsonNode config;
    private final SafetensorsFile st;
    private final GgufWriter writer = new GgufWriter();
    private final String recordStart;

    private GameModelConverter(JsonNode config, SafetensorsFile st, String recordStart) {
        this.config = config;
        this.st = st;
        this.recordStart = recordStart;
    }

    /**
     * @param dir         folder with {@code config.json} and {@code model.safetensors}
     * @param recordStart text before the first move of a game record ("^" for the trained models, "" for none)
     */
    public static void convert(Path dir, String recordStart, Path out) throws IOException {
        Path configFile = dir.resolve("config.json"), weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(configFile)) throw new java.nio.file.NoSuchFileException(configFile.toString());
        if (!Files.isRegularFile(weights)) throw new java.nio.file.NoSuchFileException(weights.toString());
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(configFile.toFile());
        } catch (IOException e) {
            throw new IOException(configFile + ": not valid JSON: " + dev.bantam.core.format.ModelFormatException.parserMessage(e.getMessage()));
        }
        try (SafetensorsFile st = SafetensorsFile.open(weights)) {
            var c = new GameModelConverter(config, st, recordStart);
            String type = config.path("model_type").asText();
            switch (type) {
                case "gpt2" -> c.gpt2();
                case "llama" -> c.llama();
                default -> throw new IOException("%s: model_type '%s' is not supported (expected gpt2 or llama)".formatted(configFile, quote(type)));
            }
            c.heads();
            c.vocabulary();
            // under a temporary name: a conversion that fails half-way leaves no file behind
            dev.bantam.convert.hf.AtomicFileWrite.write(out, true, c.writer::write);
        }
    }

    private int intOf(String key) throws IOException {
        JsonNode n = config.get(key);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) throw new IOException("config.json: " + key + " is missing or not an integer");
        // every one of these is a size or a count that shapes are divided by or allocated from
        if (n.asInt() < 1) throw new IOException("config.json: " + key + " is " + n.asInt() + ", expected a positive integer");
        return n.asInt();
    }

    private void gpt2() throws IOException {
        int dim = intOf("n_embd"), layers = intOf("n_layer");
        int ffn = config.hasNonNull("n_inner") ? intOf("n_inner") : 4 * dim;
        String a = "gpt2.";
        writer.put("general.architecture", GgufValue.of("gpt2"));
        int positions = intOf("n_positions");
        long wpeRows = matrix(st.get("backbone.wpe.weight")).shape()[0];
        if (wpeRows != positions) {
            throw new IOException("config.json: n_positions is %d, but backbone.wpe.weight has %d rows (one per position)".formatted(positions, wpeRows));
        }
        writer.put(a + "context_length", GgufValue.ofU32(positions));
        writer.put(a + "embedding_length", GgufValue.ofU32(dim));
        writer.put(a + "block_count", GgufValue.ofU32(layers));
        writer.put(a + "feed_forward_length", GgufValue.ofU32(ffn));
        writer.put(a + "attention.head_count", GgufValue.ofU32(intOf("n_head")));
        writer.put(a + "attention.layer_norm_epsilon", GgufValue.ofF32((float) config.path("layer_norm_epsilon").asDouble(1e-5)));
        writer.put(a + "vocab_size", GgufValue.ofU32(intOf("vocab_size")));
        String b = "backbone.";
        linear("token_embd.weight", st.get(b + "wte.weight"));
        linear("position_embd.weight", st.get(b + "wpe.weight"));
        vector("output_norm.weight", st.get(b + "ln_f.weight"));
        vector("output_norm.bias", st.get(b + "ln_f.bias"));
        for (int l = 0; l < layers; l++) {
            String h = b + "h." + l + ".", p = "blk." + l + ".";
            vector(p + "attn_norm.weight", st.get(h + "ln_1.weight"));
            vector(p + "attn_norm.bias", st.get(h + "ln_1.bias"));
            conv1d(p + "attn_qkv", h + "attn.c_attn");
            conv1d(p + "attn_output", h + "attn.c_proj");
            vector(p + "ffn_norm.weight", st.get(h + "ln_2.weight"));
            vector(p + "ffn_norm.bias", st.get(h + "ln_2.bias"));
            conv1d(p + "ffn_up", h + "mlp.c_fc");
            conv1d(p + "ffn_down", h + "mlp.c_proj");
        }
    }

    private void llama() throws IOException {
        int dim = intOf("hidden_size"), layers = intOf("num_hidden_layers"), heads = intOf("num_attention_heads");
        int kvHeads = config.hasNonNull("num_key_value_heads") ? intOf("num_key_value_heads") : heads;
        int headDim = config.hasNonNull("head_dim") ? intOf("head_dim") : dim / heads;
        if (headDim * heads != dim) throw new IOException("config.json: head_dim %d × %d heads differs from hidden_size %d".formatted(headDim, heads, dim));
        double theta = config.path("rope_parameters").path("rope_theta").asDouble(config.path("rope_theta").asDouble(10000.0));
        String a = "llama.";
        writer.put("general.architecture", GgufValue.of("llama"));
        writer.put(a + "context_length", GgufValue.ofU32(intOf("max_position_embeddings")));
        writer.put(a + "embedding_length", GgufValue.ofU32(dim));
        writer.put(a + "block_count", GgufValue.ofU32(layers));
        writer.put(a + "feed_forward_length", GgufValue.ofU32(intOf("intermediate_size")));
        writer.put(a + "attention.head_count", GgufValue.ofU32(heads));
        writer.put(a + "attention.head_count_kv", GgufValue.ofU32(kvHeads));
        writer.put(a + "attention.layer_norm_rms_epsilon", GgufValue.ofF32((float) config.path("rms_norm_eps").asDouble(1e-5)));
        writer.put(a + "rope.freq_base", GgufValue.ofF32((float) theta));
        writer.put(a + "rope.dimension_count", GgufValue.ofU32(headDim));
        writer.put(a + "vocab_size", GgufValue.ofU32(intOf("vocab_size")));
        String b = "backbone.";
        linear("token_embd.weight", st.get(b + "embed_tokens.weight"));
        vector("output_norm.weight", st.get(b + "norm.weight"));
        if (st.has("lm_head.weight")) linear("output.weight", st.get("lm_head.weight"));
        for (int l = 0; l < layers; l++) {
            String h = b + "layers." + l + ".", p = "blk." + l + ".";
            vector(p + "attn_norm.weight", st.get(h + "input_layernorm.weight"));
            SafetensorsFile.Tensor q = st.get(h + "self_attn.q_proj.weight"), k = st.get(h + "self_attn.k_proj.weight");
            linear(p + "attn_q.weight", q, ropePermuted(q, heads));
            linear(p + "attn_k.weight", k, ropePermuted(k, kvHeads));
            linear(p + "attn_v.weight", st.get(h + "self_attn.v_proj.weight"));
            linear(p + "attn_output.weight", st.get(h + "self_attn.o_proj.weight"));
            vector(p + "ffn_norm.weight", st.get(h + "post_attention_layernorm.weight"));
            linear(p + "ffn_gate.weight", st.get(h + "mlp.gate_proj.weight"));
            linear(p + "ffn_up.weight", st.get(h + "mlp.up_proj.weight"));
            linear(p + "ffn_down.weight", st.get(h + "mlp.down_proj.weight"));
        }
    }

    private void heads() throws IOException {
        SafetensorsFile.Tensor policy = st.get("policy.weight"), value = st.get("value.weight");
        linear(HeadsFormat.POLICY_WEIGHT, policy);
        vector(HeadsFormat.POLICY_BIAS, st.get("policy.bias"));
        linear(HeadsFormat.VALUE_WEIGHT, value);
        vector(HeadsFormat.VALUE_BIAS, st.get("value.bias"));
        writer.put(HeadsFormat.POLICY_SIZE, GgufValue.ofU32((int) policy.shape()[0]));
        writer.put(HeadsFormat.VALUE_SIZE, GgufValue.ofU32((int) value.shape()[0]));
        writer.put(HeadsFormat.VALUE_ACTIVATION, GgufValue.of("tanh"));
        writer.put(HeadsFormat.RECORD_START, GgufValue.of(recordStart));
        writer.put(HeadsFormat.MOVE_SEPARATOR, GgufValue.of(" "));
    }

    /** Token id = ASCII code point; each symbol in byte-level form so the BPE tokenizer maps a byte to its own id. */
    private void vocabulary() {
        List<String> tokens = new ArrayList<>(ASCII);
        for (int b = 0; b < ASCII; b++) tokens.add(String.valueOf(ByteLevel.charOf(b)));
        int[] types = new int[ASCII];
        Arrays.fill(types, 1);
        writer.put("tokenizer.ggml.model", GgufValue.of("gpt2"));
        writer.put("tokenizer.ggml.pre", GgufValue.of("gpt-2"));
        writer.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(tokens)));
        writer.put("tokenizer.ggml.token_type", GgufValue.ofArray(new GgufArray(GgufValueType.INT32, types)));
        writer.put("tokenizer.ggml.merges", GgufValue.ofArray(GgufArray.ofStrings(List.of())));
        writer.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(false));
    }

    /** {@code t}, checked to be a matrix (before any index into its shape). */
    private static SafetensorsFile.Tensor matrix(SafetensorsFile.Tensor t) throws IOException {
        if (t.shape().length != 2) throw shape(t, "2 dimensions (a matrix)");
        return t;
    }

    private static IOException shape(SafetensorsFile.Tensor t, String expected) {
        return new IOException("model.safetensors: tensor %s has shape %s, expected %s".formatted(
                dev.bantam.core.format.ModelFormatException.quote(t.name()), Arrays.toString(t.shape()), expected));
    }

    /** A PyTorch Linear weight {@code [out, in]} is already GGUF's row-major {@code {in, out}}. */
    private void linear(String name, SafetensorsFile.Tensor t) throws IOException {
        linear(name, t, matrix(t).toFloats());
    }

    private void linear(String name, SafetensorsFile.Tensor t, float[] values) throws IOException {
        matrix(t);
        add(name, new long[] {t.shape()[1], t.shape()[0]}, values);
    }

    /** GPT-2's Conv1D stores {@code [in, out]}: transposed to the Linear layout; its bias as is. */
    private void conv1d(String name, String source) throws IOException {
        SafetensorsFile.Tensor w = matrix(st.get(source + ".weight"));
        int in = (int) w.shape()[0], out = (int) w.shape()[1];
        float[] t = new float[in * out], values = w.toFloats();
        for (int i = 0; i < in; i++) for (int o = 0; o < out; o++) t[o * in + i] = values[i * out + o];
        add(name + ".weight", new long[] {in, out}, t);
        vector(name + ".bias", st.get(source + ".bias"));
    }

    private void vector(String name, SafetensorsFile.Tensor t) throws IOException {
        if (t.shape().length != 1) throw shape(t, "1 dimension (a vector)");
        float[] values = t.toFloats();
        add(name, new long[] {values.length}, values);
    }

    /** The q/k rows reordered for GGUF's adjacent-pair rope ({@link RowTransforms#ropeSourceRow}). */
    private static float[] ropePermuted(SafetensorsFile.Tensor w, int heads) throws IOException {
        matrix(w);
        if (w.shape()[0] % heads != 0 || (w.shape()[0] / heads) % 2 != 0) throw shape(w, "rows of " + heads + " heads of an even size");
        int rows = (int) w.shape()[0], cols = (int) w.shape()[1];
        float[] in = w.toFloats(), out = new float[rows * cols];
        for (int r = 0; r < rows; r++) System.arraycopy(in, RowTransforms.ropeSourceRow(r, rows, heads) * cols, out, r * cols, cols);
        return out;
    }

    private void add(String name, long[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        writer.addTensor(name, WeightType.F32, shape, MemorySegment.ofArray(buf.array()));
    }
}
