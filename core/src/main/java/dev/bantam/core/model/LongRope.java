package dev.bantam.core.model;

/**
 * Phi-3 "longrope" scaling (Phi-3/3.5-mini-128k, Phi-4-mini), spec §5: two sets of per-frequency
 * divisors and one factor on cos and sin. As llama.cpp does (build_rope_factors), a context of
 * more than {@code originalContext} positions per sequence turns with the long factors, any other
 * with the short ones; the choice is made once per context size, not per position, so a
 * sequence's logits do not change as it grows. {@code attnFactor} multiplies cos and sin
 * whichever set is used ({@code rope.scaling.attn_factor}, llama.cpp's yarn_attn_factor).
 *
 * @param shortFactors    {@code rope_factors_short.weight}, one divisor per rotated pair
 * @param longFactors     {@code rope_factors_long.weight}
 * @param originalContext {@code rope.scaling.original_context_length}: the context the short factors were trained for
 * @param attnFactor      the factor on cos and sin
 */
public record LongRope(float[] shortFactors, float[] longFactors, int originalContext, float attnFactor) {
    public static final String SHORT = "rope_factors_short.weight";
    public static final String LONG = "rope_factors_long.weight";

    /** The divisors a context of {@code contextPerSequence} positions per sequence turns with. */
    public float[] factorsFor(int contextPerSequence) {
        return contextPerSequence > originalContext ? longFactors : shortFactors;
    }
}
