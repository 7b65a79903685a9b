package dev.bantam.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/**
 * A layout of no file type, made at load by {@link Q4_KRepack}: Q4_K with its scales apart from
 * its quants. Per 256 values (192 bytes, 6 bits a value against Q4_K's 4.5): eight floats d·sc,
 * eight floats dmin·mn, then Q4_K's 128 bytes of nibbles unchanged. The dot then does none of
 * Q4_K's 6-bit scale unpacking and fp16 conversion, which the committed asm shows as about 40
 * scalar instructions per super-block. d is an fp16 and sc 6 bits, so d·sc (and dmin·mn) is
 * exact in float: the products are those the Q4_K reference computes, and the values are too.
 */
final class Q4_KSplitKernels implements WeightKernels, SummedDot {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 192;
    static final int MINS = 32;
    static final int QS = 64;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    /** The eight mins of a super-block against its eight Σ x, as one vector. */
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final boolean VECTOR = 32 % L == 0;

    /** Bytes of {@code n} values (a multiple of {@link #BLOCK}). */
    static long bytesFor(long n) {
        return n / BLOCK * BLOCK_BYTES;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(Q4_KSplitKernels::decodeBlock, BLOCK, BLOCK_BYTES, src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            for (int g = 0; g < 4; g++) {
                int out = dstOff + b * BLOCK + 64 * g;
                Q4_KKernels.dequantizeGroup(src, block + QS + 32 * g, src.get(FLOAT, block + 8L * g), src.get(FLOAT, block + MINS + 8L * g),
                        src.get(FLOAT, block + 8L * g + 4), src.get(FLOAT, block + MINS + 8L * g + 4), dst, out);
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return Blocks.dotByBlocks(Q4_KSplitKernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
        return dot(w, offset, x, xOff, n, Blocks.blockSums(x, xOff, n));
    }

    /**
     * As Q4_K's summed dot, with the scales read rather than unpacked: per sub-block Σ q·x in
     * float, times its d·sc into one of two accumulators (even and odd sub-blocks, so that the
     * scale FMAs do not wait on each other); the eight mins times the eight Σ x as one vector FMA.
     */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n, float[] sums) {
        if (!VECTOR) return Blocks.dotByBlocks(Q4_KSplitKernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
        byte[] nibbles = new byte[BLOCK];
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        FloatVector mins = FloatVector.zero(F8);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            for (int g = 0; g < 4; g++) Q4_KKernels.splitNibbles(w, block + QS + 32 * g, nibbles, 64 * g);
            int xb = xOff + b * BLOCK;
            for (int s = 0; s < 8; s += 2) {
                acc0 = subDot(nibbles, 32 * s, x, xb).fma(FloatVector.broadcast(F, w.get(FLOAT, block + 4L * s)), acc0);
                acc1 = subDot(nibbles, 32 * s + 32, x, xb).fma(FloatVector.broadcast(F, w.get(FLOAT, block + 4L * s + 4)), acc1);
            }
            mins = FloatVector.fromMemorySegment(F8, w, block + MINS, LE).fma(FloatVector.fromArray(F8, sums, 8 * b), mins);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - mins.reduceLanes(VectorOperators.ADD);
    }

    /** Σ q·x over the 32 levels at nibbles[at..], in L lanes. */
    private static FloatVector subDot(byte[] nibbles, int at, float[] x, int xb) {
        FloatVector p = toFloat(ByteVector.fromArray(B, nibbles, at)).mul(FloatVector.fromArray(F, x, xb + at));
        for (int j = L; j < 32; j += L) p = toFloat(ByteVector.fromArray(B, nibbles, at + j)).fma(FloatVector.fromArray(F, x, xb + at + j), p);
        return p;
    }

    /** The scalar decoding, in the Q4_K reference's operations (Q4_KKernels.decodeBlock). */
    static void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        for (int g = 0; g < 4; g++) {
            float d1 = src.get(FLOAT, block + 8L * g), m1 = src.get(FLOAT, block + MINS + 8L * g);
            float d2 = src.get(FLOAT, block + 8L * g + 4), m2 = src.get(FLOAT, block + MINS + 8L * g + 4);
            for (int l = 0; l < 32; l++) {
                int q = src.get(ValueLayout.JAVA_BYTE, block + QS + 32 * g + l) & 0xFF;
                dst[off + 64 * g + l] = d1 * (q & 15) - m1;
                dst[off + 64 * g + 32 + l] = d2 * (q >>> 4) - m2;
            }
        }
    }

    /** Q4_K's quantization, then the split of each super-block: for tests and benchmarks. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        MemorySegment q4 = Arena.ofAuto().allocate(n / BLOCK * (long) Q4_KRepack.SRC_BLOCK_BYTES);
        Kernels.of(dev.bantam.core.tensor.WeightType.Q4_K).quantize(src, srcOff, q4, 0, n);
        for (int b = 0; b < n / BLOCK; b++) Q4_KRepack.repackBlock(q4, (long) b * Q4_KRepack.SRC_BLOCK_BYTES, dst, offset + (long) b * BLOCK_BYTES);
    }
}
