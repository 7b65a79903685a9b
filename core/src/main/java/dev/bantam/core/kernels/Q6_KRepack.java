package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.half;

/**
 * Q6_K rewritten at load into {@link Int8x16Kernels}' layout: each 16-value group becomes its
 * float scale d·sc and its 16 levels q − 32 as bytes. The decode dot then skips the nibble and
 * high-bit unpacking that makes Q6_K the slowest K-quant kernel, at 10 bits a value instead of
 * 6.5625 (+52% for these tensors). The mapped file is only read; the copy is off the heap
 * (no 2 GiB array limit), freed when the matrix is no longer reachable.
 */
public final class Q6_KRepack {
    private static final int BLOCK = WeightType.Q6_K.blockSize;
    private static final int QH = 128;
    private static final int SC = 192;
    private static final int D = 208;

    private Q6_KRepack() {}

    /** Bytes the float-activation copy of {@code t} takes. */
    public static long bytes(TensorView t) {
        return bytes(t, false);
    }

    /** Bytes {@code repack(pool, t, int8)} takes. */
    public static long bytes(TensorView t, boolean int8) {
        return int8 && Q4_KRepack.INT8_LAYOUT ? PairedByteKernels.bytesFor(t.elements()) : Int8x16Kernels.bytesFor(t.elements());
    }

    /** The float-activation copy of the Q6_K matrix {@code t} ({@link Int8x16Kernels}), its rows split over the pool. */
    public static WeightMatrix repack(ThreadPool pool, TensorView t) {
        return repack(pool, t, false);
    }

    /**
     * As {@link #repack(ThreadPool, TensorView)}; with {@code int8} and {@link Q4_KRepack#INT8_LAYOUT}
     * (512-bit vectors), in {@link PairedByteKernels}' layout instead (8.625 bits a value), whose
     * decode multiplies int8 activations in integer lanes.
     */
    public static WeightMatrix repack(ThreadPool pool, TensorView t, boolean int8) {
        if (int8 && Q4_KRepack.INT8_LAYOUT) return paired(pool, t);
        return RowRepack.repack(pool, t, WeightType.Q6_K, new Int8x16Kernels(), Int8x16Kernels.bytesFor(BLOCK), () -> {
            byte[] levels = new byte[128];
            return (src, block, dst, at) -> repackBlock(src, block, dst, at, levels);
        });
    }

    /** The copy in {@link PairedByteKernels}' layout, whatever the CPU (its tests run everywhere). */
    static WeightMatrix paired(ThreadPool pool, TensorView t) {
        return RowRepack.repack(pool, t, WeightType.Q6_K, PairedByteKernels.INSTANCE, PairedByteKernels.BLOCK_BYTES, () -> {
            byte[] levels = new byte[128];
            return (src, block, dst, at) -> PairedByteKernels.repackBlock(src, block, dst, at, levels);
        });
    }

    /** One super-block into sixteen 20-byte blocks; the scale is d·sc in float, as {@link Q6_KKernels#decodeBlock} computes it. */
    static void repackBlock(MemorySegment src, long block, MemorySegment dst, long at, byte[] levels) {
        float d = half(src, block + D);
        for (int h = 0; h < 2; h++) {
            Q6_KKernels.unpackHalf(src, block + 64 * h, block + QH + 32 * h, levels);
            for (int g = 0; g < 8; g++) {
                float scale = d * src.get(ValueLayout.JAVA_BYTE, block + SC + 8 * h + g);
                Int8x16Kernels.putBlock(dst, at + (long) (8 * h + g) * Int8x16Kernels.BLOCK_BYTES, scale, levels, 16 * g);
            }
        }
    }
}
