package dev.bantam.cli;

import dev.bantam.testing.Fixtures;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bantam convert}: a Hugging Face folder to the GGUF llama.cpp writes, end to end through the CLI. */
class ConvertCommandTest {
    @TempDir
    Path tmp;

    private static final Path LLAMA31 = Fixtures.path("arch/llama31-tiny/hf");

    @Test
    void convertsToLlamaCppsFileAndTheResultRuns() throws Exception {
        Path out = tmp.resolve("llama31.gguf");
        CliRun run = CliRun.of("convert", LLAMA31.toString(), out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).contains("(LlamaForCausalLM -> llama): 21 × f32").contains("wrote " + out);
        assertThat(run.err()).contains("convert"); // the progress bar
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(Fixtures.path("arch/llama31-tiny/llama31-tiny-f32.gguf"))) {
            for (GgufTensorInfo t : theirs.tensorInfos()) {
                assertThat(ours.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE)).as(t.name())
                        .isEqualTo(theirs.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        CliRun generate = CliRun.of("generate", "-m", out.toString(), "-p", "Hello", "-n", "4", "--temp", "0");
        assertThat(generate.exitCode()).as(generate.err()).isZero();
    }

    @Test
    void quantizesOnTheWay() throws Exception {
        Path out = tmp.resolve("phi3-q8_0.gguf");
        CliRun run = CliRun.of("convert", Fixtures.path("arch/phi3-tiny/hf").toString(), out.toString(), "--type", "q8_0", "--pure");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).contains("5 × f32, 10 × q8_0");
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getLong("general.file_type")).isEqualTo(7);
            assertThat(f.tensor("blk.0.attn_qkv.weight").type()).isEqualTo(WeightType.Q8_0);
            assertThat(f.tensor("output.weight").type()).isEqualTo(WeightType.Q8_0);
            assertThat(f.tensor("blk.0.attn_norm.weight").type()).isEqualTo(WeightType.F32);
        }
        Path q4 = tmp.resolve("qwen3-q4_k.gguf");
        CliRun mixed = CliRun.of("convert", Fixtures.path("arch/qwen3-tiny/hf").toString(), q4.toString(), "--type", "q4_k");
        assertThat(mixed.exitCode()).as(mixed.err()).isZero();
        try (GgufFile f = GgufFile.open(q4)) {
            // rows of 64 are too short for a 256-block K-quant: llama.cpp's fallback, and Q6_K's for the tied embedding
            assertThat(f.tensor("blk.0.attn_q.weight").type()).isEqualTo(WeightType.Q5_0);
            assertThat(f.tensor("token_embd.weight").type()).isEqualTo(WeightType.Q8_0);
        }
    }

    @Test
    void neverOverwritesWithoutForce() throws Exception {
        Path out = Files.writeString(tmp.resolve("taken.gguf"), "precious");
        CliRun refused = CliRun.of("convert", LLAMA31.toString(), out.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errLines().strip()).isEqualTo("bantam: " + out + ": already exists (use --force to overwrite it)");
        assertThat(Files.readString(out)).isEqualTo("precious");
        CliRun forced = CliRun.of("convert", LLAMA31.toString(), out.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(GgufFile.looksLikeGguf(out)).isTrue();
        assertNoLeftovers();
    }

    @Test
    void vocabularyOnly() throws Exception {
        Path out = tmp.resolve("vocab.gguf");
        CliRun run = CliRun.of("convert", "--vocab-only", Fixtures.path("arch/gemma3-tiny/hf").toString(), out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.tensorInfos()).isEmpty();
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("gemma3");
            assertThat(f.metadata().optStringArray("tokenizer.ggml.tokens").orElseThrow()).hasSize(512);
        }
        CliRun tokenize = CliRun.of("tokenize", "-m", out.toString(), "--ids", "Hello world");
        assertThat(tokenize.exitCode()).as(tokenize.err()).isZero();
        assertThat(tokenize.out()).contains("[");
    }

    @Test
    void aBadTypeIsAUsageError() {
        CliRun run = CliRun.of("convert", LLAMA31.toString(), tmp.resolve("x.gguf").toString(), "--type", "q3_xs");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().strip()).startsWith("bantam: --type: unknown or unsupported weight type 'q3_xs'");
        assertThat(tmp.resolve("x.gguf")).doesNotExist();
    }

    @Test
    void anUnknownArchitectureWritesNothing() throws Exception {
        Path dir = copyOf(LLAMA31);
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        config.putArray("architectures").add("MambaForCausalLM");
        Files.writeString(dir.resolve("config.json"), config.toString());
        assertFileError(dir, "config.json: architectures entry 'MambaForCausalLM' is not supported; supported: LlamaForCausalLM, ");
    }

    @Test
    void aMissingTensorWritesNothing() throws Exception {
        Path dir = copyOf(LLAMA31);
        Files.delete(dir.resolve("model.safetensors"));
        assertFileError(dir, "no model.safetensors (or model.safetensors.index.json with its shards)");
    }

    @Test
    void anUnsupportedDtypeWritesNothing() throws Exception {
        Path dir = copyOf(LLAMA31);
        withExtraTensor(dir.resolve("model.safetensors"), "model.layers.0.mlp.gate_proj.qweight", "I8");
        assertFileError(dir, "model.safetensors: tensor model.layers.0.mlp.gate_proj.qweight has dtype I8; supported: F32, F16, BF16");
    }

    private void assertFileError(Path dir, String message) throws Exception {
        Path out = tmp.resolve("out.gguf");
        CliRun run = CliRun.of("convert", dir.toString(), out.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        String err = run.errLines().strip();
        assertThat(err).startsWith("bantam: ").contains(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(err.lines().count()).isEqualTo(1);
        assertThat(out).doesNotExist();
        assertNoLeftovers();
    }

    private void assertNoLeftovers() throws Exception {
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    private Path copyOf(Path dir) throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("hf"));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        return copy;
    }

    /** Adds a 4-element tensor of {@code dtype} to a safetensors file (as a quantized checkpoint would have). */
    private static void withExtraTensor(Path file, String name, String dtype) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong(0);
        ObjectNode header = (ObjectNode) new ObjectMapper().readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        int dataSize = bytes.length - 8 - headerLength;
        ObjectNode t = header.putObject(name);
        t.put("dtype", dtype);
        t.putArray("shape").add(4);
        t.putArray("data_offsets").add(dataSize).add(dataSize + 4);
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + dataSize + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(bytes, 8 + headerLength, dataSize);
        Files.write(file, out.array());
    }
}
