package dev.bantam.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 for the Hugging Face converters: a malformed safetensors header or config.json gets one
 * line naming the file and the field, exit 1, and leaves no output file behind.
 */
class MalformedCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LLAMA = "arch/llama31-tiny/hf";
    private static final String GAME_LLAMA = "game/game-llama";
    private static final String GAME_GPT2 = "game/game-gpt2";
    private static final String Q = "model.layers.0.self_attn.q_proj.weight";
    private static final String GAME_Q = "backbone.layers.0.self_attn.q_proj.weight";

    @TempDir
    Path tmp;

    private void assertRefused(String command, Path dir, String... fragments) throws IOException {
        Path outDir = Files.createDirectories(tmp.resolve("out-" + dir.getFileName()));
        CliRun run = CliRun.of(command, dir.toString(), outDir.resolve("out.gguf").toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        String err = run.errLines().lines().filter(l -> l.startsWith("bantam: ")).reduce("", (a, b) -> a + b + "\n").strip();
        assertThat(err).contains(fragments).doesNotContain("internal error").doesNotContain("Exception");
        assertThat(err.lines().count()).as(err).isEqualTo(1);
        assertThat(run.err()).doesNotContain("\tat ");
        try (Stream<Path> left = Files.list(outDir)) {
            assertThat(left.toList()).as("nothing written").isEmpty();
        }
    }

    @Test
    void aShapeGivenAsAnObjectOrAsOneDimensionIsRefused() throws Exception {
        assertRefused("convert", header(LLAMA, "obj", h -> ((ObjectNode) h.get(Q)).set("shape", JSON.createObjectNode().put("a", 1))), Q, "shape");
        assertRefused("convert", header(LLAMA, "flat", h -> flatten(h, Q)), Q, "expected 2 dimensions");
        assertRefused("convert-game", header(GAME_LLAMA, "gflat", h -> flatten(h, GAME_Q)), GAME_Q, "expected 2 dimensions");
        assertRefused("convert-game", header(GAME_GPT2, "g2flat", h -> flatten(h, "backbone.h.0.attn.c_attn.weight")), "c_attn.weight", "expected 2 dimensions");
    }

    @Test
    void zeroHeadsAreRefusedNotDividedBy() throws Exception {
        assertRefused("convert", config(LLAMA, "kv0", c -> c.put("num_key_value_heads", 0)), "config.json", "num_key_value_heads is 0");
        assertRefused("convert", config(LLAMA, "h0", c -> c.put("num_attention_heads", 0)), "config.json", "num_attention_heads is 0");
        assertRefused("convert-game", config(GAME_LLAMA, "gkv0", c -> c.put("num_key_value_heads", 0)), "config.json", "num_key_value_heads is 0");
    }

    @Test
    void aContextThatDisagreesWithThePositionTableIsRefused() throws Exception {
        assertRefused("convert-game", config(GAME_GPT2, "npos", c -> c.put("n_positions", Integer.MAX_VALUE)), "n_positions is 2147483647", "wpe");
    }

    @Test
    void badOffsetsDtypesAndHeaderLengthsAreRefused() throws Exception {
        assertRefused("convert", header(LLAMA, "neg", h -> ((ObjectNode) h.get(Q)).putArray("data_offsets").add(-8).add(8)), Q, "data offsets");
        assertRefused("convert", header(LLAMA, "past", h -> ((ObjectNode) h.get(Q)).putArray("data_offsets").add(0).add(Long.MAX_VALUE)), Q, "data offsets");
        assertRefused("convert", header(LLAMA, "f64", h -> ((ObjectNode) h.get(Q)).put("dtype", "F64")), Q, "dtype F64");
        Path big = copy(LLAMA, "big");
        byte[] st = Files.readAllBytes(big.resolve("model.safetensors"));
        ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        Files.write(big.resolve("model.safetensors"), st);
        assertRefused("convert", big, "model.safetensors", "header length");
    }

    @Test
    void duplicateNamesAndBytesThatAreNotUtf8AreRefused() throws Exception {
        Path dup = copy(LLAMA, "dup");
        rewriteHeader(dup, text -> {
            try {
                // the same tensor named twice, first with its own entry: Jackson's tree alone would keep the last silently
                return "{" + JSON.writeValueAsString(Q) + ":" + JSON.readTree(text).get(Q) + "," + text.substring(1);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertRefused("convert", dup, "model.safetensors", "Duplicate field");
        Path bad = copy(LLAMA, "utf8");
        rewriteHeader(bad, text -> text.replace(Q, "model.layers.0.self_attn.q_proj.w\u0000ight"));
        byte[] st = Files.readAllBytes(bad.resolve("model.safetensors"));
        for (int i = 8; i < st.length; i++) if (st[i] == 0) { st[i] = (byte) 0xff; break; }
        Files.write(bad.resolve("model.safetensors"), st);
        assertRefused("convert", bad, "model.safetensors", "Invalid UTF-8");
    }

    @Test
    void aShardIndexPointingOutsideTheFolderIsRefused() throws Exception {
        Path dir = copy(LLAMA, "index");
        ObjectNode index = JSON.createObjectNode();
        index.putObject("weight_map").put(Q, "../model.safetensors");
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        assertRefused("convert", dir, "model.safetensors.index.json", "../model.safetensors");
        index.putObject("weight_map").put(Q, "model-00009-of-00009.safetensors");
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        assertRefused("convert", dir, "model-00009-of-00009.safetensors", "missing");
        // a name no file can have (the mutation run found one): the index's fault, exit 1, not a usage error
        index.putObject("weight_map").put(Q, "model\u0000.safetensors");
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        assertRefused("convert", dir, "model.safetensors.index.json", "not a valid file name", "\\x00");
    }

    @Test
    void malformedTokenizerFilesNameTheFile() throws Exception {
        Path dir = copy(LLAMA, "tok");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": [1, 2");
        assertRefused("convert", dir, "tokenizer.json");
        Path cfg = copy(LLAMA, "tokcfg");
        Files.writeString(cfg.resolve("tokenizer_config.json"), "[\"not an object\"]");
        assertRefused("convert", cfg, "tokenizer_config.json");
    }

    // ---- building malformed copies of a fixture folder ----------------------------------------

    private Path copy(String fixture, String name) throws IOException {
        Path from = Fixtures.path(fixture), to = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) if (!p.toString().endsWith(".onnx") && !p.toString().endsWith(".gguf")) Files.copy(p, to.resolve(p.getFileName()));
        }
        return to;
    }

    private Path config(String fixture, String name, Consumer<ObjectNode> change) throws IOException {
        Path dir = copy(fixture, name);
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        change.accept(c);
        Files.writeString(dir.resolve("config.json"), c.toString());
        return dir;
    }

    private Path header(String fixture, String name, Consumer<ObjectNode> change) throws IOException {
        Path dir = copy(fixture, name);
        rewriteHeader(dir, text -> {
            try {
                ObjectNode h = (ObjectNode) JSON.readTree(text);
                change.accept(h);
                return h.toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return dir;
    }

    private static void flatten(ObjectNode h, String tensor) {
        ObjectNode t = (ObjectNode) h.get(tensor);
        long n = t.get("shape").get(0).asLong() * t.get("shape").get(1).asLong();
        t.putArray("shape").add(n);
    }

    private static void rewriteHeader(Path dir, java.util.function.UnaryOperator<String> change) throws IOException {
        Path file = dir.resolve("model.safetensors");
        byte[] st = Files.readAllBytes(file);
        int length = (int) ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        byte[] header = change.apply(new String(st, 8, length, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[8 + header.length + st.length - 8 - length];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        System.arraycopy(header, 0, out, 8, header.length);
        System.arraycopy(st, 8 + length, out, 8 + header.length, st.length - 8 - length);
        Files.write(file, out);
        assertThat(Arrays.equals(out, st)).isFalse();
    }
}
