package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

/**
 * Q4_K rewritten at load into {@link KSplitKernels#NIBBLES}' layout: each super-block's packed
 * 6-bit scales and mins and its fp16 d and dmin become sixteen float products, its nibbles are
 * copied as they are. 6 bits a value instead of 4.5 (+33% for these tensors). The mapped file is
 * only read; the copy is off the heap, freed when the matrix is no longer reachable.
 */
public final class Q4_KRepack {
    private Q4_KRepack() {}

    /** Bytes the repacked copy of {@code t} takes. */
    public static long bytes(TensorView t) {
        return KSplitKernels.NIBBLES.bytesFor(t.elements());
    }

    /** The repacked copy of the Q4_K matrix {@code t}, its rows split over the pool. */
    public static WeightMatrix repack(ThreadPool pool, TensorView t) {
        return RowRepack.repack(pool, t, WeightType.Q4_K, KSplitKernels.NIBBLES, KSplitKernels.NIBBLES.blockBytes, () -> KSplitKernels.NIBBLES::repackBlock);
    }
}
