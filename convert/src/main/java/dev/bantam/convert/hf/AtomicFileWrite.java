package dev.bantam.convert.hf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file under a temporary name beside its destination and moves it into place only when
 * it is complete, so that a failed or interrupted conversion leaves no half-written model and,
 * without {@code replace}, never overwrites one that appeared meanwhile.
 */
public final class AtomicFileWrite {
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFileWrite() {}

    public static void write(Path out, boolean replace, Body body) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + out.getFileName() + ".", ".partial");
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                body.writeTo(os);
            }
            if (replace) {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(tmp, out); // fails if out exists: never replaced without being asked
            }
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            throw new FileAlreadyExistsException(out.toString(), null, "already exists (use --force to overwrite it)");
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
