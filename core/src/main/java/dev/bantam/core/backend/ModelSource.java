package dev.bantam.core.backend;

import java.nio.file.Path;

/** The model a session runs: a file (GGUF, or a backend's own format such as ONNX). */
public record ModelSource(Path path) {
    public String fileName() {
        return path.getFileName().toString();
    }

    public boolean isGguf() {
        return fileName().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf");
    }
}
