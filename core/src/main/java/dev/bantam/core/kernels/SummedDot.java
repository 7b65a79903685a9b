package dev.bantam.core.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The weight types whose values carry a per-block minimum: Σ (a·q − m)·x = a·Σ q·x − m·Σ x, so a
 * row's dot needs Σ x per 32 activations. {@link MatMul#matvec} sums them once for all rows
 * ({@link Blocks#blockSums}), which takes the minimum's term out of every row's vector loop.
 */
interface SummedDot {
    /** As {@link WeightKernels#dot}, with {@code sums[i]} = Σ x[xOff + 32·i, xOff + 32·i + 32). */
    float dot(MemorySegment w, long offset, float[] x, int xOff, int n, float[] sums);
}
