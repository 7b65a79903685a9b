package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

/**
 * Q5_K rewritten at load into {@link KSplitKernels#FIFTH_BITS}' layout: each super-block's packed
 * 6-bit scales and mins and its fp16 d and dmin become sixteen float products, as Q4_K's do
 * ({@link Q4_KRepack}); its fifth bits and nibbles are copied as they are. 7 bits a value
 * instead of 5.5 (+27% for these tensors). The mapped file is only read; the copy is off the
 * heap, freed when the matrix is no longer reachable.
 */
public final class Q5_KRepack {
    private Q5_KRepack() {}

    /** Bytes the repacked copy of {@code t} takes. */
    public static long bytes(TensorView t) {
        return KSplitKernels.FIFTH_BITS.bytesFor(t.elements());
    }

    /** The repacked copy of the Q5_K matrix {@code t}, its rows split over the pool. */
    public static WeightMatrix repack(ThreadPool pool, TensorView t) {
        return RowRepack.repack(pool, t, WeightType.Q5_K, KSplitKernels.FIFTH_BITS, KSplitKernels.FIFTH_BITS.blockBytes, () -> KSplitKernels.FIFTH_BITS::repackBlock);
    }
}
