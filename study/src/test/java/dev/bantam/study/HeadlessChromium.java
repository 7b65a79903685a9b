package dev.bantam.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Debian's {@code chromium} in headless mode, for tests that check how a report renders. */
final class HeadlessChromium {
    private final Path binary;

    private HeadlessChromium(Path binary) { this.binary = binary; }

    static Optional<HeadlessChromium> find() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(new HeadlessChromium(p));
            }
        }
        return Optional.empty();
    }

    record Result(int exitCode, String output) {}

    /** Loads {@code html} from disk and writes a screenshot; returns Chromium's exit code and log. */
    Result screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Path log = Files.createTempFile("chromium", ".log");
        Path profile = Files.createTempDirectory("chromium-profile");
        Process p = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(), html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
