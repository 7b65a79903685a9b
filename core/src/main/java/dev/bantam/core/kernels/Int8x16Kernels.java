package dev.bantam.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/**
 * A layout of no file type, made at load by {@link Q6_KRepack}: blocks of 16 int8 levels behind
 * their float32 scale (20 bytes, 10 bits a value), so that a value is one byte times one float.
 * Q6_K's d·sc·(q − 32) fits it exactly: d (fp16) times an int8 sc has at most 19 significant
 * bits, so the float d·sc is the product the Q6_K reference computes, and level · scale then
 * rounds the same way. The dot is Q8_0's loop without the bit unpacking that makes Q6_K slow:
 * per 16 values one widening load, one convert and one FMA per L lanes, and one FMA for the scale.
 */
final class Int8x16Kernels implements WeightKernels {
    static final int BLOCK = 16;
    static final int BLOCK_BYTES = 4 + BLOCK;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    /** A vector of L values must not straddle two blocks. */
    private static final boolean VECTOR = BLOCK % L == 0;

    /** Bytes of {@code n} values (a multiple of {@link #BLOCK}). */
    static long bytesFor(long n) {
        return n / BLOCK * BLOCK_BYTES;
    }

    /** Writes one block: the scale, then the 16 levels at {@code levels[from..]}. */
    static void putBlock(MemorySegment dst, long block, float scale, byte[] levels, int from) {
        dst.set(FLOAT, block, scale);
        MemorySegment.copy(levels, from, dst, ValueLayout.JAVA_BYTE, block + 4, BLOCK);
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            scalarDequantize(src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            FloatVector s = FloatVector.broadcast(F, src.get(FLOAT, block));
            for (int j = 0; j < BLOCK; j += L) {
                toFloat(ByteVector.fromMemorySegment(B, src, block + 4 + j, LE)).mul(s).intoArray(dst, dstOff + b * BLOCK + j);
            }
        }
    }

    /**
     * Two blocks per iteration into two accumulators, so that the scale FMAs of successive blocks
     * do not wait on each other.
     */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        int nb = n / BLOCK, b = 0;
        for (; b + 1 < nb; b += 2) {
            long block = offset + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            acc0 = levelDot(w, block, x, xb).fma(FloatVector.broadcast(F, w.get(FLOAT, block)), acc0);
            acc1 = levelDot(w, block + BLOCK_BYTES, x, xb + BLOCK).fma(FloatVector.broadcast(F, w.get(FLOAT, block + BLOCK_BYTES)), acc1);
        }
        if (b < nb) {
            long block = offset + (long) b * BLOCK_BYTES;
            acc0 = levelDot(w, block, x, xOff + b * BLOCK).fma(FloatVector.broadcast(F, w.get(FLOAT, block)), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Σ q·x over one block's 16 levels, in L lanes. */
    private static FloatVector levelDot(MemorySegment w, long block, float[] x, int xb) {
        FloatVector p = toFloat(ByteVector.fromMemorySegment(B, w, block + 4, LE)).mul(FloatVector.fromArray(F, x, xb));
        for (int j = L; j < BLOCK; j += L) p = toFloat(ByteVector.fromMemorySegment(B, w, block + 4 + j, LE)).fma(FloatVector.fromArray(F, x, xb + j), p);
        return p;
    }

    static void scalarDequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float s = src.get(FLOAT, block);
            for (int j = 0; j < BLOCK; j++) dst[dstOff + b * BLOCK + j] = src.get(ValueLayout.JAVA_BYTE, block + 4 + j) * s;
        }
    }

    static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float blockSum = 0;
            for (int j = 0; j < BLOCK; j++) blockSum += w.get(ValueLayout.JAVA_BYTE, block + 4 + j) * x[xOff + b * BLOCK + j];
            sum += blockSum * w.get(FLOAT, block);
        }
        return sum;
    }

    /** scale = max|x| / 127 per 16 values, q = round(x / scale): Q8_0's rule with a float scale, for tests and benchmarks. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        byte[] levels = new byte[BLOCK];
        for (int b = 0; b < n / BLOCK; b++) {
            int base = srcOff + b * BLOCK;
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(src[base + j]));
            float s = amax / 127, is = s != 0 ? 1 / s : 0;
            for (int j = 0; j < BLOCK; j++) levels[j] = (byte) Q8_0Kernels.roundHalfAway(src[base + j] * is);
            putBlock(dst, offset + (long) b * BLOCK_BYTES, s, levels, 0);
        }
    }
}
