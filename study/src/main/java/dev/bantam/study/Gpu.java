package dev.bantam.study;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this machine has an NVIDIA GPU, without starting a process or loading a library: the
 * driver's device nodes or its /proc entry. Decides llama-server's {@code -ngl 99} and which
 * torch variants a default study runs.
 */
public final class Gpu {
    private Gpu() {}

    public static boolean present() {
        return Files.exists(Path.of("/dev/nvidia0")) || Files.isDirectory(Path.of("/proc/driver/nvidia/gpus"));
    }
}
