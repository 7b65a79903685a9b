package dev.bantam.cli;

import dev.bantam.chat.EmbeddedModels;
import dev.bantam.core.gguf.GgufFile;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The {@code -m MODEL} and {@code -t THREADS} options shared by every command that loads a model. */
public final class ModelOption {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", defaultValue = EmbeddedModels.DEFAULT,
            description = "GGUF file (or an exported .onnx file for the onnx-* backends), or an embedded model: austen-llama-7m (default), austen-gpt2-7m.")
    String model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads for the forward pass (default: all cores).")
    Integer threads;

    /** The file the model option names: an embedded model (extracted on first use) or a path. */
    public Path resolve() throws IOException {
        return resolve("-m", model);
    }

    /** The file a {@code MODEL} value names: an embedded model (extracted on first use) or a GGUF path. */
    static Path resolve(String model) throws IOException {
        return resolve("MODEL", model);
    }

    private static Path resolve(String flag, String model) throws IOException {
        Path path = FileNames.of(flag, model);
        var embedded = EmbeddedModels.match(model);
        if (embedded.isPresent() && !Files.exists(path)) return EmbeddedModels.extract(embedded.get());
        if (!Files.exists(path)) throw new NoSuchFileException(model);
        if (!Files.isRegularFile(path)) throw new IOException(model + ": not a regular file");
        if (!Files.isReadable(path)) throw new java.nio.file.AccessDeniedException(model);
        if (!path.getFileName().toString().endsWith(".onnx") && !GgufFile.looksLikeGguf(path)) throw new IOException(model + ": not a GGUF file (expected magic 'GGUF' at offset 0)");
        return path;
    }

    public int threads() {
        return ThreadCount.of(threads);
    }

}
