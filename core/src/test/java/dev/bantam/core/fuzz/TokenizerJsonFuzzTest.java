package dev.bantam.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bantam.testing.FuzzChecks;
import dev.bantam.core.format.ModelFormatException;
import dev.bantam.core.tokenizer.TokenizerFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face tokenizer.json (TokenizerFiles on the JDK-only JSON reader): any bytes build a
 * tokenizer or fail with a one-line JsonFormatException / ModelFormatException naming the file.
 */
class TokenizerJsonFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void tokenizerJson(byte[] data) throws IOException {
        Path dir = Files.createTempDirectory("fuzz");
        Path file = dir.resolve("tokenizer.json");
        try {
            Files.write(file, data);
            TokenizerFiles.fromHuggingFaceJson(file).encode("It is a truth <|endoftext|>", true, true);
        } catch (ModelFormatException | IOException expected) {
            FuzzChecks.oneLine(expected.getMessage());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
