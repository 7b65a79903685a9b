package dev.bantam.study;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files committed under {@code fixtures/} at the project root. */
final class TestFiles {
    private TestFiles() {}

    static Path fixture(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/tiny"))) return p.resolve("fixtures").resolve(relative);
        }
        throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
    }
}
