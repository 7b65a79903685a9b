package dev.bantam.core.backend;

/**
 * How a session is set up: compute threads, positions per sequence in its KV cache (0 = the
 * model's context length), and the most sequences it decodes together.
 */
public record SessionOptions(int threads, int contextSize, int maxBatch) {
    public SessionOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (contextSize < 0) throw new IllegalArgumentException("context size must be >= 0, got " + contextSize);
        if (maxBatch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + maxBatch);
    }

    public static SessionOptions of(int threads, int contextSize) {
        return new SessionOptions(threads, contextSize, 1);
    }
}
