package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0 in {@link PairedNibbleKernels}' layout ({@link Q4_0Repack}: eight blocks to a 256-value
 * unit) against Q4_0's scalar reference: every value exactly, as (q − 8)·d; the float dot within
 * the float-sum tolerance; the int8 dot and matvec within 1e-5 of the values the quantized
 * activations stand for ({@link RepackedLayoutTest}, rows of whole units). It runs on every CPU.
 */
class PairedNibbleQ4_0RepackTest extends RepackedLayoutTest {
    @Override WeightType type() { return WeightType.Q4_0; }

    @Override int unit() { return PairedNibbleKernels.BLOCK; }

    @Override WeightMatrix repack(ThreadPool pool, TensorView t) { return Q4_0Repack.repack(pool, t); }

    @Override long repackedBytes(TensorView t) { return Q4_0Repack.bytes(t); }

    @Override double bitsPerValue() { return 5; }

    @Override Class<? extends WeightKernels> repackedKernels() { return PairedNibbleKernels.class; }

    @Override Blocks.BlockDecoder reference() { return Q4_0Kernels::decodeBlock; }

    @Override void scalarDequantize(MemorySegment src, long offset, float[] dst, int n) {
        Blocks.dequantizeByBlocks(PairedNibbleKernels.Q4_0::decodeBlock, 256, PairedNibbleKernels.Q4_0.blockBytes, src, offset, dst, 0, n);
    }

    @Override float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(PairedNibbleKernels.Q4_0::decodeBlock, 256, PairedNibbleKernels.Q4_0.blockBytes, w, offset, x, xOff, n);
    }

    /** d. */
    @Override int[] fp16Scales() { return new int[] {0}; }
}
