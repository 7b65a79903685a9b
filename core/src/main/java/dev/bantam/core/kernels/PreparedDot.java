package dev.bantam.core.kernels;

import java.lang.foreign.MemorySegment;

/**
 * A layout whose rows multiply an activation vector prepared once per matrix-vector product
 * (quantized, reordered) and then read by every row: {@link MatMul#matvec}'s decode path for it.
 * Preparing is O(cols) against the product's O(rows·cols).
 *
 * @param <A> the prepared activations
 */
interface PreparedDot<A> {
    /** x[off .. off + n) prepared; {@code n} is a multiple of the layout's block. */
    A prepare(float[] x, int off, int n);

    /** Dot product of the stored row at byte {@code offset} with the prepared activations. */
    float dot(MemorySegment w, long offset, A x);
}
