package dev.bantam.chat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The trained default models that ship inside Bantam's jar under {@code /models/}. A model is
 * memory-mapped, so the first use copies it from the jar to the user's cache directory; later uses
 * map that copy. The CLI's {@code -m NAME} and {@link Bantam#load(String)} both resolve names here.
 */
public final class EmbeddedModels {
    public static final String DEFAULT = "austen-llama-7m";
    public static final List<String> NAMES = List.of("austen-llama-7m", "austen-gpt2-7m");
    /** The policy/value network of {@code bantam play}: trained-llama of the game fixtures, float32 (1 MB). */
    public static final String GAME_DEFAULT = "game-llama-trained";

    private EmbeddedModels() {}

    /** The embedded model that {@code name} refers to ({@code austen-gpt2-7m}, with or without {@code -q8_0.gguf}). */
    public static Optional<String> match(String name) {
        String base = name.replaceFirst("\\.gguf$", "").replaceFirst("-q8_0$", "").replaceFirst("-f32$", "");
        if (base.equals(GAME_DEFAULT)) return Optional.of(GAME_DEFAULT + "-f32.gguf");
        return NAMES.contains(base) ? Optional.of(base + "-q8_0.gguf") : Optional.empty();
    }

    /** The cached copy of the embedded model {@code name} refers to, or empty when it names none (or this build lacks it). */
    public static Optional<Path> find(String name) throws IOException {
        var file = match(name);
        if (file.isEmpty() || EmbeddedModels.class.getResource("/models/" + file.get()) == null) return Optional.empty();
        return Optional.of(extract(file.get()));
    }

    /** Path of the embedded file, copied out of the jar on first use. */
    public static Path extract(String fileName) throws IOException {
        String resource = "/models/" + fileName;
        Path target = cacheDirectory().resolve(fileName);
        try (InputStream in = EmbeddedModels.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException(fileName + ": embedded model is missing from this build");
            long expected = sizeOf(resource);
            if (Files.isRegularFile(target) && Files.size(target) == expected) return target;
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), fileName, ".partial");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return target;
    }

    private static long sizeOf(String resource) throws IOException {
        var url = EmbeddedModels.class.getResource(resource);
        var connection = url.openConnection();
        connection.setUseCaches(false);
        return connection.getContentLengthLong();
    }

    /** $XDG_CACHE_HOME/bantam/models, or ~/.cache/bantam/models. */
    public static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("bantam").resolve("models");
    }
}
