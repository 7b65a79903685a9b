package dev.bantam.chat;

/**
 * How {@link Bantam#load} opens a model.
 *
 * @param backend     an inference backend's id ({@code cpu}, {@code cuda}, {@code onnx-cpu}, ...; see {@code bantam backends})
 * @param threads     compute threads, 0 for one per core
 * @param contextSize positions of the KV cache, 0 for the model's context length (at most 4096)
 */
public record LoadOptions(String backend, int threads, int contextSize) {
    public static final LoadOptions DEFAULTS = new LoadOptions("cpu", 0, 0);

    public LoadOptions {
        if (backend == null || backend.isBlank()) throw new IllegalArgumentException("backend must be named");
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        if (contextSize < 0) throw new IllegalArgumentException("context size must be >= 0, got " + contextSize);
    }

    public LoadOptions withBackend(String id) { return new LoadOptions(id, threads, contextSize); }
    public LoadOptions withThreads(int n) { return new LoadOptions(backend, n, contextSize); }
    public LoadOptions withContextSize(int n) { return new LoadOptions(backend, threads, n); }

    int threadCount() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
