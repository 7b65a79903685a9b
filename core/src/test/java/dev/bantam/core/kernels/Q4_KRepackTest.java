package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K with its scales apart ({@link KSplitKernels#NIBBLES}) against Q4_K's scalar reference
 * ({@link Q4_KKernels#decodeBlock}): every value exactly, since d·sc and dmin·mn are exact in
 * float and the value is then the reference's d·sc·q − dmin·mn; random bytes reach every nibble,
 * every 6-bit scale and min, and fp16 d and dmin of every finite exponent. The checks themselves:
 * {@link RepackedLayoutTest}.
 */
class Q4_KRepackTest extends RepackedLayoutTest {
    @Override WeightType type() { return WeightType.Q4_K; }

    @Override WeightMatrix repack(ThreadPool pool, TensorView t) { return Q4_KRepack.repack(pool, t); }

    @Override long repackedBytes(TensorView t) { return Q4_KRepack.bytes(t); }

    @Override double bitsPerValue() { return 6; }

    @Override Class<? extends WeightKernels> repackedKernels() { return KSplitKernels.class; }

    @Override Blocks.BlockDecoder reference() { return Q4_KKernels::decodeBlock; }

    @Override void scalarDequantize(MemorySegment src, long offset, float[] dst, int n) {
        Blocks.dequantizeByBlocks(KSplitKernels.NIBBLES::decodeBlock, 256, KSplitKernels.NIBBLE_BLOCK_BYTES, src, offset, dst, 0, n);
    }

    @Override float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(KSplitKernels.NIBBLES::decodeBlock, 256, KSplitKernels.NIBBLE_BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /** d and dmin. */
    @Override int[] fp16Scales() { return new int[] {0, 2}; }
}
