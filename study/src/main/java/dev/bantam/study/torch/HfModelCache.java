package dev.bantam.study.torch;

import dev.bantam.convert.hf.HfDtype;
import dev.bantam.convert.hf.HfExporter;
import dev.bantam.study.ModelPreparer;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GGUF models exported for PyTorch on first use ({@code bantam export-hf}), kept in
 * {@code $XDG_CACHE_HOME/bantam/hf/} (or {@code ~/.cache/bantam/hf/}, or the system property
 * {@code bantam.hf.cache}) as {@code SHA256-DTYPE/}, keyed by the GGUF file's SHA-256 so a
 * changed file is exported again. The exporter writes under a temporary name and moves the
 * directory into place complete, so a crash or a concurrent study never leaves half a model.
 */
public final class HfModelCache {
    private final Path directory;

    public HfModelCache(Path directory) {
        this.directory = directory;
    }

    public static HfModelCache defaultCache() {
        String dir = System.getProperty("bantam.hf.cache");
        if (dir != null && !dir.isBlank()) return new HfModelCache(Path.of(dir));
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new HfModelCache(base.resolve("bantam").resolve("hf"));
    }

    /** The exported directory of {@code gguf} at {@code dtype}, exported now when absent. */
    public Path get(Path gguf, HfDtype dtype) throws IOException {
        Path target = directory.resolve(ModelPreparer.sha256(gguf) + "-" + dtype.id());
        if (Files.isRegularFile(target.resolve("config.json")) && Files.isRegularFile(target.resolve("model.safetensors"))) return target;
        System.err.printf("%nexporting %s for PyTorch (%s) in %s (first use)%n", gguf.getFileName(), dtype.id(), directory);
        try {
            HfExporter.export(gguf, target, dtype, true);
        } catch (FileAlreadyExistsException e) {
            // another process exported the same model meanwhile: its directory is as good as ours
        }
        return target;
    }
}
