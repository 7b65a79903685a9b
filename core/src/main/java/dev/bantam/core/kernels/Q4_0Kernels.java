package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Blocks.half;
import static dev.bantam.core.kernels.Blocks.highNibbles;
import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/**
 * Q4_0: blocks of 32 values as 4-bit levels q with one fp16 scale d, value (q − 8)·d (18 bytes).
 * Byte j of qs holds element j in its low nibble and element j + 16 in its high nibble.
 */
final class Q4_0Kernels implements WeightKernels, SummedDot, Int8Dot {
    /** From the type table, into static finals: JIT constants like the literals they replace (enum fields are not). */
    private static final int BLOCK = WeightType.Q4_0.blockSize;
    private static final int BLOCK_BYTES = WeightType.Q4_0.blockBytes;
    /** The vector paths take L bytes of qs at a time, so L must divide the 16 bytes. */
    private static final boolean VECTOR = 16 % L == 0;

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(Q4_0Kernels::decodeBlock, BLOCK, BLOCK_BYTES, src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(F, half(src, block));
            int out = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, src, block + 2 + j, LE);
                toFloat(q.and((byte) 0x0F).sub((byte) 8)).mul(d).intoArray(dst, out + j);
                toFloat(q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8)).mul(d).intoArray(dst, out + 16 + j);
            }
        }
    }

    /**
     * Two blocks per iteration into two independent accumulators (one FMA chain per block would
     * bound the loop by FMA latency). Nibbles are split with 128-bit byte ops; the high nibble is
     * shifted as ints (x86 has no byte shift, so a ByteVector LSHR is emulated) and masked.
     */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int nb = n / BLOCK, b = 0;
        for (; b + 1 < nb; b += 2) {
            long block = offset + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector q0 = ByteVector.fromMemorySegment(B, w, block + 2 + j, LE);
                ByteVector q1 = ByteVector.fromMemorySegment(B, w, block + BLOCK_BYTES + 2 + j, LE);
                s0 = toFloat(q0.and((byte) 0x0F).sub((byte) 8)).fma(FloatVector.fromArray(F, x, xb + j), s0);
                s0 = toFloat(highNibbles(q0).sub((byte) 8)).fma(FloatVector.fromArray(F, x, xb + 16 + j), s0);
                s1 = toFloat(q1.and((byte) 0x0F).sub((byte) 8)).fma(FloatVector.fromArray(F, x, xb + 32 + j), s1);
                s1 = toFloat(highNibbles(q1).sub((byte) 8)).fma(FloatVector.fromArray(F, x, xb + 48 + j), s1);
            }
            acc0 = s0.fma(FloatVector.broadcast(F, half(w, block)), acc0);
            acc1 = s1.fma(FloatVector.broadcast(F, half(w, block + BLOCK_BYTES)), acc1);
        }
        if (b < nb) {
            long block = offset + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            FloatVector s0 = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector q0 = ByteVector.fromMemorySegment(B, w, block + 2 + j, LE);
                s0 = toFloat(q0.and((byte) 0x0F).sub((byte) 8)).fma(FloatVector.fromArray(F, x, xb + j), s0);
                s0 = toFloat(highNibbles(q0).sub((byte) 8)).fma(FloatVector.fromArray(F, x, xb + 16 + j), s0);
            }
            acc0 = s0.fma(FloatVector.broadcast(F, half(w, block)), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n, float[] sums) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        byte[] nibbles = new byte[32];
        FloatVector acc = FloatVector.zero(F);
        float offsetTerm = 0;
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            splitNibbles(w, block + 2, nibbles);
            int xb = xOff + b * BLOCK;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += L) {
                s = toFloat(ByteVector.fromArray(B, nibbles, j)).fma(FloatVector.fromArray(F, x, xb + j), s);
            }
            float d = half(w, block);
            acc = s.fma(FloatVector.broadcast(F, d), acc);
            offsetTerm += d * sums[b];
        }
        return acc.reduceLanes(VectorOperators.ADD) - 8 * offsetTerm;
    }

    /** The block's 16 bytes at {@code at} as 32 levels in element order: low nibbles, then high. */
    private static void splitNibbles(MemorySegment w, long at, byte[] nibbles) {
        ByteVector q = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, at, LE);
        q.and((byte) 0x0F).intoArray(nibbles, 0);
        highNibbles(q).intoArray(nibbles, 16);
    }

    /**
     * Σ_blocks d_w·d_x·Σ (q_w − 8)·q_x in integers: the 16 low and 16 high nibbles of a block
     * become two short vectors of levels − 8, multiplied by their activations and added
     * (|(q − 8)·q_x| ≤ 8·127, far inside 16 bits), then pair-summed to ints and scaled once.
     */
    @Override
    public float dot(MemorySegment w, long offset, Int8Activations x) {
        FloatVector acc0 = FloatVector.zero(Int8Lanes.F8), acc1 = acc0;
        int nb = x.length() / BLOCK, b = 0;
        for (; b + 1 < nb; b += 2) {
            long block = offset + (long) b * BLOCK_BYTES;
            acc0 = blockProducts(w, block, x, b).fma(FloatVector.broadcast(Int8Lanes.F8, half(w, block) * x.scale[b]), acc0);
            acc1 = blockProducts(w, block + BLOCK_BYTES, x, b + 1).fma(FloatVector.broadcast(Int8Lanes.F8, half(w, block + BLOCK_BYTES) * x.scale[b + 1]), acc1);
        }
        if (b < nb) {
            long block = offset + (long) b * BLOCK_BYTES;
            acc0 = blockProducts(w, block, x, b).fma(FloatVector.broadcast(Int8Lanes.F8, half(w, block) * x.scale[b]), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector blockProducts(MemorySegment w, long block, Int8Activations x, int b) {
        ByteVector q = ByteVector.fromMemorySegment(Int8Lanes.B16, w, block + 2, LE);
        ShortVector lo = Int8Lanes.widen(q.and((byte) 0x0F).sub((byte) 8));
        ShortVector hi = Int8Lanes.widen(highNibbles(q).sub((byte) 8));
        int xb = b * BLOCK;
        return Int8Lanes.pairSumFloat(lo.mul(Int8Lanes.levels(x, xb)).add(hi.mul(Int8Lanes.levels(x, xb + 16))));
    }

    static void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        float d = half(src, block);
        for (int j = 0; j < 16; j++) {
            int q = src.get(ValueLayout.JAVA_BYTE, block + 2 + j) & 0xFF;
            dst[off + j] = ((q & 15) - 8) * d;
            dst[off + j + 16] = ((q >>> 4) - 8) * d;
        }
    }

    static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(Q4_0Kernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /** llama.cpp's reference: d = (signed value of largest magnitude) / −8, q = trunc(x/d + 8.5) capped at 15. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int base = srcOff + b * BLOCK;
            float max = QuantSearch.signedAbsMax(src, base, BLOCK);
            float d = max / -8;
            float id = d != 0 ? 1 / d : 0;
            dst.set(SHORT, block, Float.floatToFloat16(d));
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(15, (int) (src[base + j] * id + 8.5f));
                int hi = Math.min(15, (int) (src[base + 16 + j] * id + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) (lo | hi << 4));
            }
        }
    }
}
