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
public record LayerPlan(int window, double ropeBase, double ropeScale) {}
