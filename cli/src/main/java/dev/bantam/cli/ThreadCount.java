package dev.bantam.cli;

/** The value of a {@code -t/--threads} flag: all cores when absent, a usage error below one. */
final class ThreadCount {
    private ThreadCount() {}

    static int of(Integer requested) {
        int n = requested == null ? Runtime.getRuntime().availableProcessors() : requested;
        if (n < 1) throw new UsageException("--threads must be >= 1, got " + n);
        return n;
    }
}
