package dev.bantam.game;

import java.util.List;

/**
 * Evaluates game positions, given as move histories in the game's notation, with a policy/value
 * network. Implementations: Bantam's engine with KV-prefix reuse ({@link EngineEvaluator}), ONNX
 * Runtime on the user's ONNX file ({@link OnnxGameEvaluator}), scripted ones in tests. The
 * commands open them by backend id through {@link PositionEvaluators}.
 */
public interface PositionEvaluator extends AutoCloseable {
    /** Number of policy logits (cells of the board). */
    int policySize();

    /** Evaluates every history of the batch; results in the same order. */
    List<Evaluation> evaluateBatch(List<List<String>> histories);

    default Evaluation evaluate(List<String> history) {
        return evaluateBatch(List.of(history)).getFirst();
    }

    @Override
    default void close() {}
}
