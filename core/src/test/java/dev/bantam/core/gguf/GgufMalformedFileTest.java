package dev.bantam.core.gguf;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hand-made broken files: each must fail with a GgufFormatException naming file, field and offset. */
class GgufMalformedFileTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** A little-endian header builder for crafting files byte by byte. */
    private static final class Bytes {
        final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        Bytes magic() { b.put("GGUF".getBytes()); return this; }
        Bytes u32(int v) { b.putInt(v); return this; }
        Bytes u64(long v) { b.putLong(v); return this; }
        Bytes str(String s) { byte[] x = s.getBytes(); b.putLong(x.length); b.put(x); return this; }
        Bytes zeros(int n) { b.put(new byte[n]); return this; }
        byte[] get() { return Arrays.copyOf(b.array(), b.position()); }
    }

    private void assertMalformed(byte[] content, String... fragments) throws Exception {
        Path p = write("bad.gguf", content);
        assertThatThrownBy(() -> GgufFile.open(p).close())
                .isInstanceOf(GgufFormatException.class)
                .hasMessageStartingWith("bad.gguf: ")
                .hasMessageContaining("offset 0x")
                .hasMessageContainingAll(fragments);
    }

    @Test
    void emptyFile() throws Exception {
        assertMalformed(new byte[0], "truncated");
    }

    @Test
    void notGguf() throws Exception {
        assertMalformed("PK\3\4 this is a zip".getBytes(), "not a GGUF file");
    }

    @Test
    void wrongVersions() throws Exception {
        assertMalformed(new Bytes().magic().u32(2).u64(0).u64(0).get(), "version 2");
        assertMalformed(new Bytes().magic().u32(4).u64(0).u64(0).get(), "version 4");
    }

    @Test
    void hugeStringLengthIsAFormatErrorNotAnOutOfMemoryError() throws Exception {
        assertMalformed(new Bytes().magic().u32(3).u64(0).u64(1).u64(1L << 60).zeros(64).get(), "metadata key #0", "string length");
    }

    @Test
    void hugeArrayCount() throws Exception {
        assertMalformed(new Bytes().magic().u32(3).u64(0).u64(1).str("a").u32(9).u32(6).u64(1L << 40).zeros(64).get(),
                "metadata a", "count");
    }

    @Test
    void hugeTensorAndKvCounts() throws Exception {
        assertMalformed(new Bytes().magic().u32(3).u64(-1L).u64(0).get(), "tensor_count");
        assertMalformed(new Bytes().magic().u32(3).u64(0).u64(1L << 50).get(), "kv_count");
    }

    @Test
    void unknownValueType() throws Exception {
        assertMalformed(new Bytes().magic().u32(3).u64(0).u64(1).str("k").u32(99).zeros(64).get(), "metadata k", "unknown value type 99");
    }

    @Test
    void badTensorInfos() throws Exception {
        assertMalformed(new Bytes().magic().u32(3).u64(1).u64(0).str("w").u32(5).zeros(64).get(), "tensor w", "n_dims");
        assertMalformed(new Bytes().magic().u32(3).u64(1).u64(0).str("w").u32(1).u64(32).u32(77).u64(0).zeros(64).get(), "tensor w", "unknown ggml type 77");
        assertMalformed(new Bytes().magic().u32(3).u64(1).u64(0).str("w").u32(1).u64(30).u32(8).u64(0).zeros(64).get(), "tensor w", "block size");
        assertMalformed(new Bytes().magic().u32(3).u64(1).u64(0).str("w").u32(2).u64(1L << 40).u64(1L << 40).u32(0).u64(0).zeros(64).get(), "tensor w");
        assertMalformed(new Bytes().magic().u32(3).u64(1).u64(0).str("w").u32(1).u64(8).u32(0).u64(5).zeros(64).get(), "tensor w", "alignment");
    }

    @Test
    void tensorDataPastTheEndOfTheFile() throws Exception {
        byte[] header = new Bytes().magic().u32(3).u64(1).u64(0).str("w").u32(1).u64(64).u32(0).u64(0).get();
        byte[] file = Arrays.copyOf(header, 64 + 100); // 256 bytes of data needed, 100 present
        assertMalformed(file, "tensor w data", "past the end of the file");
    }

    @Test
    void everyTruncationOfARealFileFailsCleanly() throws Exception {
        byte[] full = Files.readAllBytes(Fixtures.path("tiny/llama-tiny/llama-tiny-q8_0.gguf"));
        for (int cut = 0; cut < 20_000; cut += 97) {
            Path p = write("cut.gguf", Arrays.copyOf(full, cut));
            assertThatThrownBy(() -> GgufFile.open(p).close()).as("cut at %d", cut).isInstanceOf(GgufFormatException.class);
        }
        int end = full.length - 1;
        Path p = write("cut.gguf", Arrays.copyOf(full, end));
        assertThatThrownBy(() -> GgufFile.open(p).close()).isInstanceOf(GgufFormatException.class).hasMessageContaining("past the end");
    }

    @Test
    void randomByteFlipsInTheHeaderNeverCrashOrExhaustMemory() throws Exception {
        byte[] full = Files.readAllBytes(Fixtures.path("tiny/gpt2-tiny/gpt2-tiny-q8_0.gguf"));
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            byte[] copy = full.clone();
            for (int k = 0; k < 4; k++) copy[random.nextInt(12_000)] = (byte) random.nextInt(256);
            Path p = write("flip.gguf", copy);
            try (GgufFile f = GgufFile.open(p)) {
                assertThat(f.tensorInfos()).isNotNull();
            } catch (GgufFormatException expected) {
                assertThat(expected.getMessage()).startsWith("flip.gguf: ");
            }
        }
    }

    @Test
    void writerOutputOfAHandmadeFileReadsBack() throws Exception {
        var out = new ByteArrayOutputStream();
        new GgufWriter().put("general.architecture", GgufValue.of("llama")).write(out);
        Path p = write("ok.gguf", out.toByteArray());
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("llama");
        }
    }
}
