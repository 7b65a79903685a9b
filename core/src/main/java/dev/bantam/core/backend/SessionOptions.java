package dev.bantam.core.backend;

/**
 * How a session is set up: compute threads, positions per sequence in its KV cache (0 = the
 * default: the model's context length, at most {@link #DEFAULT_CONTEXT} as llama.cpp's tools
 * default to), and the most sequences it decodes together.
 */
public record SessionOptions(int threads, int contextSize, int maxBatch) {
    public static final int DEFAULT_CONTEXT = 4096;

    /** The context a session gets for a model whose own context length is {@code modelContext}. */
    public int contextFor(int modelContext) {
        return contextSize == 0 ? Math.min(modelContext, DEFAULT_CONTEXT) : contextSize;
    }

    public SessionOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (contextSize < 0) throw new IllegalArgumentException("context size must be >= 0, got " + contextSize);
        if (maxBatch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + maxBatch);
    }

    public static SessionOptions of(int threads, int contextSize) {
        return new SessionOptions(threads, contextSize, 1);
    }
}
