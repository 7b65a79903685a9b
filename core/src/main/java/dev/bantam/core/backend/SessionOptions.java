package dev.bantam.core.backend;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a session is set up: compute threads, positions per sequence in its KV cache (0 = the
 * default: the model's context length, at most {@link #DEFAULT_CONTEXT} as llama.cpp's tools
 * default to), the most sequences it decodes together, and options that only some backends
 * understand ({@code precision} for the ONNX Runtime backends; see
 * {@link InferenceBackend#backendOptions()}). A backend ignores keys it does not list.
 */
public record SessionOptions(int threads, int contextSize, int maxBatch, Map<String, String> backendOptions) {
    public static final int DEFAULT_CONTEXT = 4096;
    /**
     * The backend option for the KV cache's element type, {@code f32} or {@code f16} (the CLI's {@code --kv-type}),
     * for the backends that list it in {@link InferenceBackend#backendOptions()}.
     */
    public static final String KV_TYPE = "kv-type";

    /** The context a session gets for a model whose own context length is {@code modelContext}. */
    public int contextFor(int modelContext) {
        return contextSize == 0 ? Math.min(modelContext, DEFAULT_CONTEXT) : contextSize;
    }

    public SessionOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (contextSize < 0) throw new IllegalArgumentException("context size must be >= 0, got " + contextSize);
        if (maxBatch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + maxBatch);
        backendOptions = backendOptions == null ? Map.of() : Map.copyOf(backendOptions);
    }

    public SessionOptions(int threads, int contextSize, int maxBatch) {
        this(threads, contextSize, maxBatch, Map.of());
    }

    public static SessionOptions of(int threads, int contextSize) {
        return new SessionOptions(threads, contextSize, 1);
    }

    /** A copy with one backend-specific option set. */
    public SessionOptions withBackendOption(String key, String value) {
        Map<String, String> m = new HashMap<>(backendOptions);
        m.put(key, value);
        return new SessionOptions(threads, contextSize, maxBatch, m);
    }

    public SessionOptions withMaxBatch(int batch) {
        return new SessionOptions(threads, contextSize, batch, backendOptions);
    }

    public Optional<String> backendOption(String key) {
        return Optional.ofNullable(backendOptions.get(key));
    }
}
