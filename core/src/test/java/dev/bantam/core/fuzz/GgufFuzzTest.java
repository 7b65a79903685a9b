package dev.bantam.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bantam.testing.FuzzChecks;
import dev.bantam.core.format.ModelFormatException;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.model.ModelFile;
import dev.bantam.core.model.UnsupportedModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The GGUF reader, then the model's config, tokenizer and weights built from what it read: any
 * bytes end in a value or in one of the file errors, never another exception. Seeds: the
 * committed inputs under {@code src/test/resources/.../GgufFuzzTestInputs} (small fixture
 * GGUFs and every crash found so far).
 */
class GgufFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void readerModelAndTokenizer(byte[] data) throws IOException {
        Path file = Files.createTempFile("fuzz", ".gguf");
        try {
            Files.write(file, data);
            try (ModelFile model = ModelFile.open(file)) {
                GgufFile gguf = model.gguf();
                gguf.metadata().asMap().values().forEach(v -> v.display());
                model.tokenizer().encode("It is a truth <0x41> \u00e9", true, true);
                model.config();
                model.weights();
            } catch (ModelFormatException | UnsupportedModelException | IOException expected) {
                FuzzChecks.oneLine(expected.getMessage());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
