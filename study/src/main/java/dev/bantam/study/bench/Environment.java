package dev.bantam.study.bench;

import jdk.incubator.vector.FloatVector;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/**
 * Where a benchmark ran, recorded in every output: CPU model and core count, the JVM and the
 * flags it was started with, the Vector API's preferred width, Bantam's git commit and the date.
 */
public record Environment(String cpuInfo, int cores, String jvmVendor, String jvmVersion, String jvmFlags,
                          int vectorBits, String buildCommit, String date) {

    public static Environment detect() {
        return new Environment(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vendor", "unknown"), Runtime.version().toString(),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), gitCommit(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** The first "model name" of /proc/cpuinfo, or the OS architecture where there is none. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch", "unknown");
    }

    /** {@code git rev-parse HEAD} run beside Bantam's jar (its checkout), or "unknown". */
    static String gitCommit() {
        try {
            Path dir = Path.of(Environment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(dir)) dir = dir.getParent();
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{7,64}")) return out;
        } catch (Exception e) {
            // no git, no checkout, or no code source: unknown
        }
        return "unknown";
    }
}
