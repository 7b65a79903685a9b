package dev.bantam.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Vec.F;

/**
 * What the block kernels share to read their blocks: little-endian layouts, fp16 scales, byte
 * lanes as floats, nibble extraction, and the scalar block-at-a-time paths the vector code falls
 * back to (and is tested against).
 */
final class Blocks {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(Vec.LE);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(Vec.LE);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(Vec.LE);

    private Blocks() {}

    /**
     * The eight 6-bit sub-block scales of a Q4_K/Q5_K block, one per byte, from the first two and
     * the last of its three packed 32-bit words (llama.cpp's get_scale_min_k4, all eight at once).
     */
    static long kQuantScales(int u0, int u2) {
        return (u0 & 0x3F3F3F3FL) | (long) ((u2 & 0x0F0F0F0F) | ((u0 >>> 2) & 0x30303030)) << 32;
    }

    /** The eight 6-bit sub-block minimums of the same block, one per byte. */
    static long kQuantMins(int u1, int u2) {
        return (u1 & 0x3F3F3F3FL) | (long) (((u2 >>> 4) & 0x0F0F0F0F) | ((u1 >>> 2) & 0x30303030)) << 32;
    }

    /**
     * Σ_s sc_s·Σ q·x over the eight 32-value sub-blocks of a Q4_K/Q5_K super-block whose levels are
     * unpacked in value order into {@code levels[0, 256)}: one widening load, one convert and one
     * FMA per L values, each sub-block's scale applied once. The caller scales by d and subtracts
     * the minimums ({@link #kQuantMinTerm}), so neither enters the vector loop.
     */
    static FloatVector kQuantScaledDots(byte[] levels, float[] x, int xb, long scales) {
        FloatVector v = FloatVector.zero(F);
        for (int s = 0; s < 8; s++) {
            FloatVector qx = FloatVector.zero(F);
            for (int j = 0; j < 32; j += Vec.L) {
                qx = toFloat(ByteVector.fromArray(Vec.B, levels, 32 * s + j)).fma(FloatVector.fromArray(F, x, xb + 32 * s + j), qx);
            }
            v = qx.fma(FloatVector.broadcast(F, (float) ((scales >>> (8 * s)) & 0xFF)), v);
        }
        return v;
    }

    /** Σ_s mn_s·Σx_s of super-block {@code b}, from the eight mins (one per byte) and the per-32 sums of x. */
    static float kQuantMinTerm(long mins, float[] sums, int b) {
        float m = 0;
        for (int s = 0; s < 8; s++) m += ((mins >>> (8 * s)) & 0xFF) * sums[8 * b + s];
        return m;
    }

    /** The fp16 value at byte {@code at}: the scales and mins of every block type. */
    static float half(MemorySegment s, long at) {
        return Float.float16ToFloat(s.get(SHORT, at));
    }

    /** Signed byte lanes widened to float lanes (Vec.B and Vec.F have the same lane count). */
    static FloatVector toFloat(ByteVector q) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, F, 0);
    }

    /** The high nibbles of each byte: shifted as ints (one instruction) rather than as bytes (emulated), then masked. */
    static ByteVector highNibbles(ByteVector q) {
        return q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
    }

    /** Σ x over each 32 values of x[off, off + n): the sums a {@link SummedDot} takes. */
    static float[] blockSums(float[] x, int off, int n) {
        float[] sums = new float[n / 32];
        for (int b = 0; b < sums.length; b++) {
            FloatVector s = FloatVector.zero(F);
            int j = 0;
            for (; j + F.length() <= 32; j += F.length()) s = s.add(FloatVector.fromArray(F, x, off + 32 * b + j));
            float sum = s.reduceLanes(VectorOperators.ADD);
            for (; j < 32; j++) sum += x[off + 32 * b + j];
            sums[b] = sum;
        }
        return sums;
    }

    /** Scalar decoding of one block to floats: the reference that the vector paths are tested against. */
    interface BlockDecoder {
        void decode(MemorySegment src, long at, float[] dst, int dstOff);
    }

    static void dequantizeByBlocks(BlockDecoder dec, int block, int blockBytes, MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / block; b++) dec.decode(src, offset + (long) b * blockBytes, dst, dstOff + b * block);
    }

    /** The row dequantized whole, then a float dot: for layouts whose decode reads prepared activations instead (PreparedDot). */
    static float dotOfDequantized(WeightKernels k, MemorySegment w, long offset, float[] x, int xOff, int n) {
        float[] row = new float[n];
        k.dequantize(w, offset, row, 0, n);
        return FloatOps.dot(row, 0, x, xOff, n);
    }

    /** The scalar fallback dot: decode one block at a time and accumulate in float. */
    static float dotByBlocks(BlockDecoder dec, int block, int blockBytes, MemorySegment w, long offset, float[] x, int xOff, int n) {
        float[] tmp = new float[block];
        float sum = 0;
        for (int b = 0; b < n / block; b++) {
            dec.decode(w, offset + (long) b * blockBytes, tmp, 0);
            float s = 0;
            for (int j = 0; j < block; j++) s += tmp[j] * x[xOff + b * block + j];
            sum += s;
        }
        return sum;
    }
}
