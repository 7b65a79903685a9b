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

    /** Bytes the float-activation copy of {@code t} takes. */
    public static long bytes(TensorView t) {
        return bytes(t, false);
    }

    /** Bytes {@code repack(pool, t, int8)} takes. */
    public static long bytes(TensorView t, boolean int8) {
        return int8 && INT8_LAYOUT ? PairedNibbleKernels.Q4_K.bytesFor(t.elements()) : KSplitKernels.NIBBLES.bytesFor(t.elements());
    }

    /** Whether {@code repack(pool, t, true)} (and Q6_K's and Q4_0's) gives an int8-activation layout here: the CPU has 512-bit vectors. */
    public static final boolean INT8_LAYOUT = LevelPermute.AVAILABLE;

    /** The repacked copy of the Q4_K matrix {@code t} for float activations ({@link KSplitKernels#NIBBLES}), its rows split over the pool. */
    public static WeightMatrix repack(ThreadPool pool, TensorView t) {
        return repack(pool, t, false);
    }

    /**
     * As {@link #repack(ThreadPool, TensorView)}; with {@code int8} and {@link #INT8_LAYOUT}, in
     * {@link PairedNibbleKernels}' layout instead (4.75 bits a value rather than 6), whose decode
     * multiplies int8 activations in integer lanes.
     */
    public static WeightMatrix repack(ThreadPool pool, TensorView t, boolean int8) {
        return int8 && INT8_LAYOUT ? paired(pool, t) : RowRepack.repack(pool, t, WeightType.Q4_K, KSplitKernels.NIBBLES, KSplitKernels.NIBBLES.blockBytes, () -> KSplitKernels.NIBBLES::repackBlock);
    }

    /** The copy in {@link PairedNibbleKernels}' layout, whatever the CPU (its tests run everywhere). */
    static WeightMatrix paired(ThreadPool pool, TensorView t) {
        return RowRepack.repack(pool, t, WeightType.Q4_K, PairedNibbleKernels.Q4_K, PairedNibbleKernels.Q4_K.blockBytes, () -> {
            byte[] scratch = new byte[PairedNibbleKernels.BLOCK];
            return (src, block, dst, at) -> PairedNibbleKernels.repackQ4_K(src, block, dst, at, scratch);
        });
    }
}
