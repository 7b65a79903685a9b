package dev.bantam.game;

/**
 * The GGUF keys and tensor names with which Bantam stores policy and value heads beside a
 * transformer backbone (docs/game-heads.md). Both heads read the final normalized hidden state
 * ({@code output_norm} applied) of the last position of a game record.
 */
public final class HeadsFormat {
    /** u32: number of policy logits (rows of {@link #POLICY_WEIGHT}). */
    public static final String POLICY_SIZE = "bantam.head.policy.size";
    /** u32: number of value outputs (1). */
    public static final String VALUE_SIZE = "bantam.head.value.size";
    /** string: {@code tanh} or {@code none}, applied to the value head's output. */
    public static final String VALUE_ACTIVATION = "bantam.head.value.activation";
    /** string: text that starts every game record before the first move ({@code "^"}, or empty). */
    public static final String RECORD_START = "bantam.game.record_start";
    /** string: text between two moves of a game record ({@code " "}). */
    public static final String MOVE_SEPARATOR = "bantam.game.move_separator";

    public static final String POLICY_WEIGHT = "head.policy.weight";
    public static final String POLICY_BIAS = "head.policy.bias";
    public static final String VALUE_WEIGHT = "head.value.weight";
    public static final String VALUE_BIAS = "head.value.bias";

    private HeadsFormat() {}
}
