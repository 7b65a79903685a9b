package dev.bantam.cli;

import picocli.CommandLine.Option;

/** The flags that {@code convert} and {@code quantize} share: how the matrices are typed, whether OUT may be replaced, threads. */
final class ConversionFlags {
    @Option(names = "--pure", description = "Every matrix gets TYPE (no higher-precision output layer).")
    boolean pure;

    @Option(names = "--force", description = "Overwrite OUT if it exists.")
    boolean force;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    int threads() {
        return ThreadCount.of(threads);
    }
}
