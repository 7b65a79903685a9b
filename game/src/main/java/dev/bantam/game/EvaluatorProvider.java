package dev.bantam.game;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceBackend.Availability;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a policy/value network as a {@link PositionEvaluator} on one inference backend. Found
 * through {@link java.util.ServiceLoader} ({@link PositionEvaluators}), so a backend that can run
 * game networks adds one class and a {@code META-INF/services} line, and the commands list it
 * without naming it.
 */
public interface EvaluatorProvider {
    /** The {@link InferenceBackend#id()} this provider runs on, which is also its game-backend id: {@code cpu}, {@code onnx-cpu}. */
    String backendId();

    /** Whether it can keep and reuse the KV of evaluated prefixes (a search asks for it where it can). */
    boolean supportsPrefixReuse();

    /**
     * Whether it can run here: the backend's own answer, since a game evaluator needs what its
     * backend needs (a native library, a GPU).
     */
    default Availability availability() {
        return InferenceBackend.byId(backendId()).map(InferenceBackend::availability)
                .orElseGet(() -> Availability.no("no inference backend '" + backendId() + "' on the class path"));
    }

    /**
     * Opens {@code file}; what it loads belongs to the result.
     *
     * @param name how the user named the model (an embedded model's name, a path), for messages
     * @throws GameBackendException for a file or mode this provider cannot run (a user error)
     */
    OpenedEvaluator open(Path file, String name, EvaluatorOptions options) throws IOException;
}
