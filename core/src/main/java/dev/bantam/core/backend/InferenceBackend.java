package dev.bantam.core.backend;

import java.io.IOException;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * One way of running a model: Bantam's CPU engine, ONNX Runtime, CUDA, a remote server. Found
 * through {@link ServiceLoader}; the benchmark runner, perplexity tool and generator talk only to
 * this interface, so a new backend is one class plus a {@code META-INF/services} line.
 */
public interface InferenceBackend {
    /** Stable id used on the command line: {@code cpu}, {@code onnx-cpu}, ... */
    String id();

    /** Whether this backend can run here, and if not, why (no GPU, no native library, ...). */
    Availability availability();

    /** Opens a session on a model file; the session owns what it loads. */
    InferenceSession open(ModelSource model, SessionOptions options) throws IOException;

    /**
     * Opens {@code options.maxBatch()} independent slots for continuous batching. The default
     * opens one session of batch one per slot ({@link SessionPerSlot}: correct, not batched, and
     * each slot loads the model again); a backend overrides it to batch slots natively.
     */
    default SlotSession openSlots(ModelSource model, SessionOptions options) throws IOException {
        java.util.List<InferenceSession> sessions = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < options.maxBatch(); i++) sessions.add(open(model, options.withMaxBatch(1)));
        } catch (IOException | RuntimeException e) {
            sessions.forEach(InferenceSession::close);
            throw e;
        }
        return new SessionPerSlot(sessions);
    }

    /** Whether {@link #openSlots} decodes the slots in one batched step (false: the per-slot adapter). */
    default boolean batchesSlots() { return false; }

    /** What runs underneath, with its version, for reports (e.g. {@code onnxruntime 1.23.2}). */
    default String version() { return "bantam"; }

    /** Keys of {@link SessionOptions#backendOptions()} this backend reads (none by default). */
    default java.util.Set<String> backendOptions() { return java.util.Set.of(); }

    record Availability(boolean available, String reason) {
        public static Availability yes() { return new Availability(true, "available"); }
        public static Availability no(String reason) { return new Availability(false, reason); }
    }

    /** Every backend on the class path, in service-loader order. */
    static java.util.List<InferenceBackend> all() {
        return ServiceLoader.load(InferenceBackend.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    static Optional<InferenceBackend> byId(String id) {
        return all().stream().filter(b -> b.id().equals(id)).findFirst();
    }
}
