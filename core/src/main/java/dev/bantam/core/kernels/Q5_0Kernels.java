package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.INT;
import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Blocks.half;
import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/**
 * Q5_0: blocks of 32 5-bit levels with one fp16 scale, value (q − 16)·d (22 bytes): d, qh (the
 * fifth bits, element j at bit j of a little-endian u32), then nibbles laid out as Q4_0.
 */
final class Q5_0Kernels implements WeightKernels {
    /** From the type table, into static finals: JIT constants like the literals they replace (enum fields are not). */
    private static final int BLOCK = WeightType.Q5_0.blockSize;
    private static final int BLOCK_BYTES = WeightType.Q5_0.blockBytes;
    private static final boolean VECTOR = 16 % L == 0;

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(Q5_0Kernels::decodeBlock, BLOCK, BLOCK_BYTES, src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(F, half(src, block));
            int noHigh = ~src.get(INT, block + 2);
            int out = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, src, block + 6 + j, LE);
                toFloat(level(q.and((byte) 0x0F), noHigh >>> j)).mul(d).intoArray(dst, out + j);
                toFloat(level(q.lanewise(VectorOperators.LSHR, 4), noHigh >>> (16 + j))).mul(d).intoArray(dst, out + 16 + j);
            }
        }
    }

    /**
     * nibble | bit·16 − 16 is the nibble where the fifth bit is set and nibble − 16 where it is
     * not: one masked subtract, the mask read straight from the bits of qh (inverted).
     */
    private static ByteVector level(ByteVector nibbles, int noHighBits) {
        return nibbles.lanewise(VectorOperators.SUB, (byte) 16, VectorMask.fromLong(B, noHighBits));
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            int noHigh = ~w.get(INT, block + 2);
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, block + 6 + j, LE);
                sum = toFloat(level(q.and((byte) 0x0F), noHigh >>> j)).fma(FloatVector.fromArray(F, x, xb + j), sum);
                sum = toFloat(level(q.lanewise(VectorOperators.LSHR, 4), noHigh >>> (16 + j))).fma(FloatVector.fromArray(F, x, xb + 16 + j), sum);
            }
            acc = sum.fma(FloatVector.broadcast(F, half(w, block)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        float d = half(src, block);
        int h = src.get(INT, block + 2);
        for (int j = 0; j < 16; j++) {
            int q = src.get(ValueLayout.JAVA_BYTE, block + 6 + j) & 0xFF;
            dst[off + j] = ((q & 15 | ((h >>> j) & 1) << 4) - 16) * d;
            dst[off + j + 16] = ((q >>> 4 | ((h >>> (j + 16)) & 1) << 4) - 16) * d;
        }
    }

    static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(Q5_0Kernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /** llama.cpp's reference: d = (signed value of largest magnitude) / −16, q = trunc(x/d + 16.5) capped at 31. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int base = srcOff + b * BLOCK;
            float max = QuantSearch.signedAbsMax(src, base, BLOCK);
            float d = max / -16;
            float id = d != 0 ? 1 / d : 0;
            dst.set(SHORT, block, Float.floatToFloat16(d));
            int h = 0;
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(31, (int) (src[base + j] * id + 16.5f));
                int hi = Math.min(31, (int) (src[base + 16 + j] * id + 16.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 6 + j, (byte) (lo & 15 | (hi & 15) << 4));
                h |= (lo >>> 4) << j | (hi >>> 4) << (j + 16);
            }
            dst.set(INT, block + 2, h);
        }
    }
}
