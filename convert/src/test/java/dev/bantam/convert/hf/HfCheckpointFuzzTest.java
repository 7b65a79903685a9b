package dev.bantam.convert.hf;

import dev.bantam.core.format.ModelFormatException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bantam.convert.SafetensorsFile;
import dev.bantam.testing.Fixtures;
import dev.bantam.testing.FuzzChecks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The Hugging Face converter's readers (issue 17): a safetensors header, config.json and
 * tokenizer.json. Any bytes give a plan (or a file) or a one-line IOException naming the file;
 * never another exception, an OutOfMemoryError or a message of several lines.
 */
class HfCheckpointFuzzTest {
    /** The llama fixture folder, copied once; each run replaces one of its files. */
    private static Path folder;

    private static synchronized Path folder() throws IOException {
        if (folder == null) {
            folder = Files.createTempDirectory("hf-fuzz");
            folder.toFile().deleteOnExit();
            try (Stream<Path> files = Files.list(Fixtures.path("arch/llama31-tiny/hf"))) {
                for (Path p : files.toList()) Files.copy(p, folder.resolve(p.getFileName()));
            }
        }
        return folder;
    }

    /** The data is a header (its length written in front, 64 bytes of tensor data after it). */
    @FuzzTest(maxDuration = "5s")
    void safetensorsHeader(byte[] header) throws IOException {
        Path file = Files.createTempFile("fuzz", ".safetensors");
        try {
            byte[] st = new byte[8 + header.length + 64];
            ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            System.arraycopy(header, 0, st, 8, header.length);
            Files.write(file, st);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                for (SafetensorsFile.Tensor t : f.all().values()) {
                    if (t.elements() > 0) t.get(t.elements() - 1);
                }
            }
        } catch (IOException expected) {
            FuzzChecks.oneLine(expected.getMessage());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @FuzzTest(maxDuration = "5s")
    void configJson(byte[] config) throws IOException {
        plan("config.json", config);
    }

    @FuzzTest(maxDuration = "5s")
    void tokenizerJson(byte[] tokenizer) throws IOException {
        plan("tokenizer.json", tokenizer);
    }

    private static synchronized void plan(String name, byte[] data) throws IOException {
        Path dir = folder();
        byte[] original = Files.readAllBytes(dir.resolve(name));
        Files.write(dir.resolve(name), data);
        try (HfConverter plan = HfConverter.plan(dir, new HfConverter.Options(null, false, false))) {
            plan.summary();
        } catch (IOException | ModelFormatException expected) {
            // a malformed file is refused with a one-line message (the tokenizer's reader throws ModelFormatException)
            FuzzChecks.oneLine(expected.getMessage());
        } finally {
            Files.write(dir.resolve(name), original);
        }
    }
}
