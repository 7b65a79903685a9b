package dev.bantam.game;

/**
 * An evaluator and what it holds open (the model it runs on, or null when the evaluator owns
 * everything); closing it closes both.
 *
 * @param description the backend and mode, e.g. {@code cpu (prefix reuse)}
 */
public record OpenedEvaluator(PositionEvaluator evaluator, AutoCloseable owner, String description) implements AutoCloseable {
    @Override
    public void close() throws Exception {
        evaluator.close();
        if (owner != null) owner.close();
    }
}
