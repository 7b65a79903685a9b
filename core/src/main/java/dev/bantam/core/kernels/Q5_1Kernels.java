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

/** Q5_1: blocks of 32 5-bit levels with fp16 d and m, value q·d + m (24 bytes): d, m, qh, nibbles as Q5_0. */
final class Q5_1Kernels implements WeightKernels {
    /** From the type table, into static finals: JIT constants like the literals they replace (enum fields are not). */
    private static final int BLOCK = WeightType.Q5_1.blockSize;
    private static final int BLOCK_BYTES = WeightType.Q5_1.blockBytes;
    private static final boolean VECTOR = 16 % L == 0;

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(Q5_1Kernels::decodeBlock, BLOCK, BLOCK_BYTES, src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(F, half(src, block));
            FloatVector m = FloatVector.broadcast(F, half(src, block + 2));
            int high = src.get(INT, block + 4);
            int out = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, src, block + 8 + j, LE);
                toFloat(level(q.and((byte) 0x0F), high >>> j)).mul(d).add(m).intoArray(dst, out + j);
                toFloat(level(q.lanewise(VectorOperators.LSHR, 4), high >>> (16 + j))).mul(d).add(m).intoArray(dst, out + 16 + j);
            }
        }
    }

    /** Adds 16 in the lanes whose fifth bit is set, the mask read straight from the bits of qh. */
    private static ByteVector level(ByteVector nibbles, int highBits) {
        return nibbles.lanewise(VectorOperators.ADD, (byte) 16, VectorMask.fromLong(B, highBits));
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            int high = w.get(INT, block + 4);
            FloatVector qx = FloatVector.zero(F), sx = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, block + 8 + j, LE);
                FloatVector x0 = FloatVector.fromArray(F, x, xb + j), x1 = FloatVector.fromArray(F, x, xb + 16 + j);
                qx = toFloat(level(q.and((byte) 0x0F), high >>> j)).fma(x0, qx);
                qx = toFloat(level(q.lanewise(VectorOperators.LSHR, 4), high >>> (16 + j))).fma(x1, qx);
                sx = sx.add(x0).add(x1);
            }
            acc = qx.fma(FloatVector.broadcast(F, half(w, block)), acc);
            acc = sx.fma(FloatVector.broadcast(F, half(w, block + 2)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        float d = half(src, block), m = half(src, block + 2);
        int h = src.get(INT, block + 4);
        for (int j = 0; j < 16; j++) {
            int q = src.get(ValueLayout.JAVA_BYTE, block + 8 + j) & 0xFF;
            dst[off + j] = (q & 15 | ((h >>> j) & 1) << 4) * d + m;
            dst[off + j + 16] = (q >>> 4 | ((h >>> (j + 16)) & 1) << 4) * d + m;
        }
    }

    static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(Q5_1Kernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /**
     * llama.cpp's reference: m = min, d = (max − min)/31, q = trunc((x − m)/d + 0.5). The reference
     * does not cap q; we cap at 31, which only matters if rounding pushed the maximum to 32.
     */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int base = srcOff + b * BLOCK;
            float min = QuantSearch.min(src, base, BLOCK), max = QuantSearch.max(src, base, BLOCK);
            float d = (max - min) / 31;
            float id = d != 0 ? 1 / d : 0;
            dst.set(SHORT, block, Float.floatToFloat16(d));
            dst.set(SHORT, block + 2, Float.floatToFloat16(min));
            int h = 0;
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(31, (int) ((src[base + j] - min) * id + 0.5f));
                int hi = Math.min(31, (int) ((src[base + 16 + j] - min) * id + 0.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 8 + j, (byte) (lo & 15 | (hi & 15) << 4));
                h |= (lo >>> 4) << j | (hi >>> 4) << (j + 16);
            }
            dst.set(INT, block + 4, h);
        }
    }
}
