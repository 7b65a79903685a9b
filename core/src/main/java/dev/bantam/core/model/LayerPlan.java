package dev.bantam.core.model;

/**
 * What differs between the layers of one model, computed once from the config, so the forward
 * pass reads numbers instead of asking which architecture it runs.
 *
 * @param window    sliding attention window: key j is visible from query i iff 0 ≤ i − j < window;
 *                  0 = full causal attention
 * @param ropeBase  the RoPE base θ of this layer
 * @param ropeScale the linear position scale (freq_scale = 1 / rope.scaling.factor), 1 when unscaled
 */
public record LayerPlan(int window, double ropeBase, double ropeScale) {

    /**
     * The angle per position of each of the {@code ropeDims / 2} rotated pairs of this layer:
     * ropeScale · ropeBase^(−2i/ropeDims) / divisors[i] ({@code divisors}: llama3 rope scaling's
     * {@code rope_freqs.weight}, null when the file has none). In double, as every engine takes it.
     */
    public double[] ropeFrequencies(int ropeDims, float[] divisors) {
        double[] f = new double[ropeDims / 2];
        for (int i = 0; i < f.length; i++) f[i] = ropeScale * Math.pow(ropeBase, -2.0 * i / ropeDims) / (divisors == null ? 1 : divisors[i]);
        return f;
    }

    /** Whether this layer rotates by the same frequencies as {@code other}. */
    public boolean sameRope(LayerPlan other) {
        return ropeBase == other.ropeBase && ropeScale == other.ropeScale;
    }
}
