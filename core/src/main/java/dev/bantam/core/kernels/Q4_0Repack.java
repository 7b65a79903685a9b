package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

/**
 * Q4_0 rewritten at load into {@link PairedNibbleKernels}' layout (eight blocks of 32 to a
 * 256-value unit: the eight d as floats, the nibbles reordered), whose decode multiplies int8
 * activations in integer lanes. There is no float-activation copy: without 512-bit vectors, or
 * for rows that are not whole 256-value units, Q4_0 stays in the file layout. 5 bits a value
 * instead of 4.5 (+11% for these tensors).
 */
public final class Q4_0Repack {
    private Q4_0Repack() {}

    /** Whether {@code t} has a copy here: the CPU runs the layout, its rows are whole units. */
    public static boolean fits(TensorView t) {
        return Q4_KRepack.INT8_LAYOUT && t.cols() % PairedNibbleKernels.BLOCK == 0;
    }

    /** Bytes the copy of {@code t} takes. */
    public static long bytes(TensorView t) {
        return PairedNibbleKernels.Q4_0.bytesFor(t.elements());
    }

    /** The copy of the Q4_0 matrix {@code t} (rows of whole 256-value units), its rows split over the pool. */
    public static WeightMatrix repack(ThreadPool pool, TensorView t) {
        return RowRepack.repack(pool, t, WeightType.Q4_0, PairedNibbleKernels.BLOCK, PairedNibbleKernels.Q4_0, PairedNibbleKernels.Q4_0.blockBytes, () -> {
            byte[] scratch = new byte[PairedNibbleKernels.BLOCK];
            return (src, block, dst, at) -> PairedNibbleKernels.repackQ4_0(src, block, dst, at, scratch);
        });
    }
}
