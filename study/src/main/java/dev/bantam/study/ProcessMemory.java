package dev.bantam.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size now and at its peak, from /proc/self/status (null where there is no /proc). */
final class ProcessMemory {
    private ProcessMemory() {}

    static Long rss() { return field("VmRSS:"); }

    static Long peakRss() { return field("VmHWM:"); }

    private static Long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }
}
