package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q5_K rewritten at load into {@link KSplitKernels#BYTES}' layout: each super-block's packed
 * 6-bit scales and mins and its fp16 d and dmin become sixteen float products, as Q4_K's do
 * ({@link Q4_KRepack}), and its 256 five-bit levels (a nibble of qs and a bit of qh each) one
 * byte each, in value order. 10 bits a value instead of 5.5 (+82% for these tensors): the decode
 * dot then does no unpacking at all. The mapped file is only read; the copy is off the heap,
 * freed when the matrix is no longer reachable.
 */
public final class Q5_KRepack {
    private static final int BLOCK = WeightType.Q5_K.blockSize;

    private Q5_KRepack() {}

    /** Bytes the repacked copy of {@code t} takes. */
    public static long bytes(TensorView t) {
        return KSplitKernels.BYTES.bytesFor(t.elements());
    }

    /** The repacked copy of the Q5_K matrix {@code t}, its rows split over the pool. */
    public static WeightMatrix repack(ThreadPool pool, TensorView t) {
        return RowRepack.repack(pool, t, WeightType.Q5_K, KSplitKernels.BYTES, KSplitKernels.BYTE_BLOCK_BYTES, Q5_KRepack::blockRepack);
    }

    /** A rewriter of super-blocks with its own scratch of levels. */
    static RowRepack.BlockRepack blockRepack() {
        byte[] levels = new byte[BLOCK];
        return (src, block, dst, at) -> repackBlock(src, block, dst, at, levels);
    }

    /** One super-block: d·sc and dmin·mn as the Q5_K reference computes them, then the levels as Q5_K's dot unpacks them. */
    static void repackBlock(MemorySegment src, long block, MemorySegment dst, long at, byte[] levels) {
        KSplitKernels.putScales(src, block, dst, at);
        Q5_KKernels.unpackLevels(src, block, levels);
        MemorySegment.copy(levels, 0, dst, ValueLayout.JAVA_BYTE, at + KSplitKernels.QS, BLOCK);
    }
}
