package dev.bantam.chat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Models shipped inside a jar under {@code /models/} (the CLI jar embeds its default models there).
 * A model is memory-mapped, so the first use copies it to the user's cache directory.
 */
final class ClassPathModels {
    private static final List<String> SUFFIXES = List.of("", ".gguf", "-q8_0.gguf", "-f32.gguf");

    private ClassPathModels() {}

    static Optional<Path> find(String name) throws IOException {
        if (name.contains("/") || name.contains("\\")) return Optional.empty();
        for (String suffix : SUFFIXES) {
            String file = name + suffix;
            if (!file.endsWith(".gguf")) continue;
            URL url = ClassPathModels.class.getResource("/models/" + file);
            if (url != null) return Optional.of(extract(url, file));
        }
        return Optional.empty();
    }

    private static Path extract(URL url, String file) throws IOException {
        Path target = cacheDirectory().resolve(file);
        var connection = url.openConnection();
        connection.setUseCaches(false);
        long size = connection.getContentLengthLong();
        if (Files.isRegularFile(target) && Files.size(target) == size) return target;
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), file, ".partial");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /** The same directory as the CLI's: $XDG_CACHE_HOME/bantam/models or ~/.cache/bantam/models. */
    private static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("bantam").resolve("models");
    }
}
