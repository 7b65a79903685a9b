package dev.bantam.server;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufValueType;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.core.tokenizer.ByteLevel;
import dev.bantam.testing.Fixtures;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Model files for the server's tests, written next to the test: the fixtures' models with a chat template of choice. */
final class TestModels {
    /** What {@link #alwaysCallsTool} makes the model say, whatever it is asked. */
    static final String TOOL_CALL = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";

    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private TestModels() {}

    static String template(String family) {
        return Fixtures.json("chat/chat-templates.json").get("templates").get(family).get("chat_template").asText();
    }

    /** A copy of the embedded austen-llama-7m that carries the chat template of {@code family} (qwen3, llama3_1, gemma3). */
    static Path austenWithTemplate(Path dir, String family) throws IOException {
        return austenWith(dir.resolve("austen-" + family + ".gguf"), Map.of("tokenizer.chat_template", GgufValue.of(template(family))));
    }

    /** A copy of austen-llama-7m with a context of {@code positions} (its RoPE extrapolates; what matters is time to fill it). */
    static Path austenWithContext(Path dir, int positions) throws IOException {
        return austenWith(dir.resolve("austen-ctx" + positions + ".gguf"), Map.of("llama.context_length", GgufValue.ofU32(positions)));
    }

    private static Path austenWith(Path out, Map<String, GgufValue> metadata) throws IOException {
        try (GgufFile in = GgufFile.open(Fixtures.defaultModel("austen-llama-7m"))) {
            GgufWriter w = new GgufWriter().putAll(in.metadata());
            metadata.forEach(w::put);
            for (GgufTensorInfo t : in.tensorInfos()) w.addTensor(t.name(), t.type(), t.shape(), in.tensor(t.name()).data());
            w.write(out);
        }
        return out;
    }

    /**
     * A model with Qwen3's template that answers every conversation with {@link #TOOL_CALL} and then
     * its end token: llama-tiny with one more (ordinary) token whose text is the whole call, every
     * layer's output projection zeroed so that the residual stream is the current token's embedding,
     * and the embeddings and output rows chosen so that any token is followed by the call and the
     * call by end of text. Real weights would make the call only by chance; this makes the server's
     * tool-call path deterministic, end to end through a real model file.
     */
    static Path alwaysCallsTool(Path dir) throws IOException {
        Path out = dir.resolve("always-calls-get-weather.gguf");
        try (GgufFile in = GgufFile.open(Fixtures.tinyGguf("llama-tiny", "f32"))) {
            var meta = in.metadata();
            String[] tokens = meta.optStringArray("tokenizer.ggml.tokens").orElseThrow();
            int[] types = meta.optIntArray("tokenizer.ggml.token_type").orElseThrow();
            int call = tokens.length, vocab = tokens.length + 1, eos = (int) meta.getLong("tokenizer.ggml.eos_token_id");
            int dim = (int) meta.getLong("llama.embedding_length");
            StringBuilder piece = new StringBuilder();
            for (byte b : TOOL_CALL.getBytes(StandardCharsets.UTF_8)) piece.append(ByteLevel.charOf(b));
            String[] newTokens = Arrays.copyOf(tokens, vocab);
            newTokens[call] = piece.toString();
            int[] newTypes = Arrays.copyOf(types, vocab);
            newTypes[call] = 1; // normal: decoded as its text
            GgufWriter w = new GgufWriter().putAll(meta)
                    .put("llama.vocab_size", GgufValue.ofU32(vocab))
                    .put("llama.context_length", GgufValue.ofU32(4096)) // room for the tools' prompt
                    .put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufValue.GgufArray.ofStrings(List.of(newTokens))))
                    .put("tokenizer.ggml.token_type", GgufValue.ofArray(new GgufValue.GgufArray(GgufValueType.INT32, newTypes)))
                    .put("tokenizer.chat_template", GgufValue.of(template("qwen3")));
            // every token but the call embeds as e0, the call as e1; e0 scores the call, e1 the end
            float[][] embedding = new float[vocab][dim], output = new float[vocab][dim];
            for (int t = 0; t < vocab; t++) embedding[t][t == call ? 1 : 0] = 1;
            output[call][0] = 10;
            output[eos][1] = 10;
            for (GgufTensorInfo t : in.tensorInfos()) {
                String name = t.name();
                if (name.equals("token_embd.weight")) w.addTensor(name, WeightType.F32, new long[] {dim, vocab}, f32(embedding));
                else if (name.equals("output.weight")) w.addTensor(name, WeightType.F32, new long[] {dim, vocab}, f32(output));
                else if (name.equals("output_norm.weight")) w.addTensor(name, WeightType.F32, t.shape(), f32(new float[][] {ones(dim)}));
                else if (name.endsWith("attn_output.weight") || name.endsWith("ffn_down.weight")) {
                    w.addTensor(name, t.type(), t.shape(), MemorySegment.ofArray(new byte[(int) in.tensor(name).data().byteSize()]));
                } else w.addTensor(name, t.type(), t.shape(), in.tensor(name).data());
            }
            w.write(out);
        }
        return out;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1);
        return a;
    }

    private static MemorySegment f32(float[][] rows) {
        MemorySegment s = MemorySegment.ofArray(new byte[rows.length * rows[0].length * 4]);
        long at = 0;
        for (float[] row : rows) for (float v : row) { s.set(LITTLE_ENDIAN_FLOAT, at, v); at += 4; }
        return s;
    }
}
