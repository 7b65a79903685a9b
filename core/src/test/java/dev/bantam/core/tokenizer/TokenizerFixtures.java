package dev.bantam.core.tokenizer;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.testing.Fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny models whose GGUF vocabularies the tokenizer tests read (the vectors: {@link dev.bantam.testing.TokenizerVectors}). */
final class TokenizerFixtures {
    static final Path LLAMA_TINY_GGUF = Fixtures.tinyGguf("llama-tiny", "f32");
    static final Path LLAMA_SPM_TINY_GGUF = Fixtures.tinyGguf("llama-spm-tiny", "f32");

    private TokenizerFixtures() {}

    static Tokenizer fromGguf(Path path) {
        if (!Files.exists(path)) throw new IllegalStateException("missing fixture " + path.toAbsolutePath());
        try (GgufFile f = GgufFile.open(path)) {
            return Tokenizers.fromGguf(f.metadata(), path.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
