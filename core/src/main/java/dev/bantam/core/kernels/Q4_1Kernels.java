package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Blocks.half;
import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/** Q4_1: blocks of 32 4-bit levels with fp16 scale d and offset m, value q·d + m (20 bytes); nibbles as Q4_0. */
final class Q4_1Kernels implements WeightKernels {
    /** From the type table, into static finals: JIT constants like the literals they replace (enum fields are not). */
    private static final int BLOCK = WeightType.Q4_1.blockSize;
    private static final int BLOCK_BYTES = WeightType.Q4_1.blockBytes;
    private static final boolean VECTOR = 16 % L == 0;

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(Q4_1Kernels::decodeBlock, BLOCK, BLOCK_BYTES, src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(F, half(src, block));
            FloatVector m = FloatVector.broadcast(F, half(src, block + 2));
            int out = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, src, block + 4 + j, LE);
                // multiply then add, not fma: the reference rounds the product first
                toFloat(q.and((byte) 0x0F)).mul(d).add(m).intoArray(dst, out + j);
                toFloat(q.lanewise(VectorOperators.LSHR, 4)).mul(d).add(m).intoArray(dst, out + 16 + j);
            }
        }
    }

    /** Σ (q·d + m)·x = d·Σ q·x + m·Σ x: two running sums per block, scaled once. */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            FloatVector qx = FloatVector.zero(F), sx = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, block + 4 + j, LE);
                FloatVector x0 = FloatVector.fromArray(F, x, xb + j), x1 = FloatVector.fromArray(F, x, xb + 16 + j);
                qx = toFloat(q.and((byte) 0x0F)).fma(x0, qx);
                qx = toFloat(q.lanewise(VectorOperators.LSHR, 4)).fma(x1, qx);
                sx = sx.add(x0).add(x1);
            }
            acc = qx.fma(FloatVector.broadcast(F, half(w, block)), acc);
            acc = sx.fma(FloatVector.broadcast(F, half(w, block + 2)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        float d = half(src, block), m = half(src, block + 2);
        for (int j = 0; j < 16; j++) {
            int q = src.get(ValueLayout.JAVA_BYTE, block + 4 + j) & 0xFF;
            dst[off + j] = (q & 15) * d + m;
            dst[off + j + 16] = (q >>> 4) * d + m;
        }
    }

    static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(Q4_1Kernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /** llama.cpp's reference: m = min, d = (max − min)/15, q = trunc((x − m)/d + 0.5) capped at 15. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int base = srcOff + b * BLOCK;
            float min = QuantSearch.min(src, base, BLOCK), max = QuantSearch.max(src, base, BLOCK);
            float d = (max - min) / 15;
            float id = d != 0 ? 1 / d : 0;
            dst.set(SHORT, block, Float.floatToFloat16(d));
            dst.set(SHORT, block + 2, Float.floatToFloat16(min));
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(15, (int) ((src[base + j] - min) * id + 0.5f));
                int hi = Math.min(15, (int) ((src[base + 16 + j] - min) * id + 0.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 4 + j, (byte) (lo | hi << 4));
            }
        }
    }
}
