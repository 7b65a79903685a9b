package dev.bantam.onnx;

import dev.bantam.onnx.OnnxExporter.Precision;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * GGUF models exported to ONNX on first use by the {@code onnx-*} backends, kept in
 * {@code $XDG_CACHE_HOME/bantam/onnx/} (or {@code ~/.cache/bantam/onnx/}, or the system property
 * {@code bantam.onnx.cache}) as
 * {@code SHA256-PRECISION.onnx}, keyed by the GGUF file's SHA-256 so that a changed file is
 * exported again. An export is written in a temporary directory beside the cache entries and moved
 * into place when complete (the {@code .onnx.data} side file of a large model first, the graph
 * last), so a crash or a concurrent run never leaves a half-written entry.
 */
public final class OnnxModelCache {
    private final Path directory;

    public OnnxModelCache(Path directory) {
        this.directory = directory;
    }

    /** {@code -Dbantam.onnx.cache=DIR}, else {@code $XDG_CACHE_HOME/bantam/onnx}, else {@code ~/.cache/bantam/onnx}. */
    public static OnnxModelCache defaultCache() {
        String dir = System.getProperty("bantam.onnx.cache");
        if (dir != null && !dir.isBlank()) return new OnnxModelCache(Path.of(dir));
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new OnnxModelCache(base.resolve("bantam").resolve("onnx"));
    }

    public Path directory() { return directory; }

    /** The cache entry for {@code gguf} at {@code precision}, exported now when absent. */
    public Path get(Path gguf, Precision precision) throws IOException {
        String name = sha256(gguf) + "-" + precision.name().toLowerCase(java.util.Locale.ROOT) + ".onnx";
        Path target = directory.resolve(name);
        if (Files.isRegularFile(target)) return target;
        Files.createDirectories(directory);
        Path work = Files.createTempDirectory(directory, ".export-");
        try {
            System.err.printf("%nexporting %s to ONNX (%s) in %s (first use)%n", gguf.getFileName(), precision.name().toLowerCase(java.util.Locale.ROOT), directory);
            OnnxExporter.Result r = OnnxExporter.export(gguf, work.resolve(name), OnnxExporter.Options.defaults().withPrecision(precision), (done, total, t) -> {});
            if (r.externalData() != null) {
                Files.move(r.externalData(), directory.resolve(r.externalData().getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                Files.move(r.model(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // another process exported the same model meanwhile: its file is as good as ours
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        return target;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
