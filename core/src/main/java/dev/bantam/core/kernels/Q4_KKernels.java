package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.INT;
import static dev.bantam.core.kernels.Blocks.LONG;
import static dev.bantam.core.kernels.Blocks.half;
import static dev.bantam.core.kernels.Blocks.highNibbles;
import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.QuantSearch.scaleMin;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;
import static dev.bantam.core.kernels.Vec.WIDE_B;

/**
 * Q4_K: super-blocks of 256 values in eight sub-blocks of 32 (144 bytes): fp16 d and dmin, twelve
 * bytes of packed 6-bit sub-block scales sc and mins mn, then 128 bytes of nibbles. Value
 * d·sc·q − dmin·mn. Each 32 bytes of nibbles hold two sub-blocks: low nibbles the first, high the second.
 */
final class Q4_KKernels implements WeightKernels, SummedDot, Int8Dot {
    /** From the type table, into static finals: JIT constants like the literals they replace (enum fields are not). */
    private static final int BLOCK = WeightType.Q4_K.blockSize;
    private static final int BLOCK_BYTES = WeightType.Q4_K.blockBytes;
    private static final int QS = 16;
    private static final boolean VECTOR = 32 % L == 0;

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(Q4_KKernels::decodeBlock, BLOCK, BLOCK_BYTES, src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = half(src, block), dmin = half(src, block + 2);
            long lo = src.get(LONG, block + 4);
            int hi = src.get(INT, block + 12);
            for (int g = 0; g < 4; g++) {
                int out = dstOff + b * BLOCK + 64 * g;
                dequantizeGroup(src, block + QS + 32 * g, d * scaleMin(lo, hi, 2 * g, 0), dmin * scaleMin(lo, hi, 2 * g, 1),
                        d * scaleMin(lo, hi, 2 * g + 1, 0), dmin * scaleMin(lo, hi, 2 * g + 1, 1), dst, out);
            }
        }
    }

    /**
     * The 64 values of one group's 32 nibble bytes at {@code qs}: low nibbles d1·q − m1 into
     * dst[out..out+32), high ones d2·q − m2 after them. A multiplication then a subtraction, not
     * an FMA: the reference's rounding. Shared with {@link KSplitKernels}, whose scales are stored.
     */
    static void dequantizeGroup(MemorySegment src, long qs, float d1, float m1, float d2, float m2, float[] dst, int out) {
        FloatVector vd1 = FloatVector.broadcast(F, d1), vm1 = FloatVector.broadcast(F, m1);
        FloatVector vd2 = FloatVector.broadcast(F, d2), vm2 = FloatVector.broadcast(F, m2);
        for (int j = 0; j < 32; j += L) {
            ByteVector q = ByteVector.fromMemorySegment(B, src, qs + j, LE);
            toFloat(q.and((byte) 0x0F)).mul(vd1).sub(vm1).intoArray(dst, out + j);
            toFloat(q.lanewise(VectorOperators.LSHR, 4)).mul(vd2).sub(vm2).intoArray(dst, out + 32 + j);
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        return dot(w, offset, x, xOff, n, Blocks.blockSums(x, xOff, n));
    }

    /**
     * Σ (d·sc·q − dmin·mn)·x per sub-block is d·sc·Σ q·x − dmin·mn·Σ x: the nibbles are multiplied
     * as small integers-in-float, each sub-block's two scales are applied once, and Σ x comes
     * summed, so the vector loop is one widening load, one convert and one FMA per L values. The
     * 32 bytes of a sub-block pair are split into nibbles by two wide operations into an L1
     * scratch (rather than an and, a shift and a mask per L bytes), from which each L-byte read
     * widens straight from memory.
     */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n, float[] sums) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        byte[] nibbles = new byte[BLOCK];
        FloatVector acc = FloatVector.zero(F);
        float minTerm = 0;
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            // all eight 6-bit scales and mins at once, one byte each (as llama.cpp's kmask trick)
            long lo = w.get(LONG, block + 4);
            int u0 = (int) lo, u1 = (int) (lo >>> 32), u2 = w.get(INT, block + 12);
            long scales = Blocks.kQuantScales(u0, u2);
            long mins = Blocks.kQuantMins(u1, u2);
            for (int g = 0; g < 4; g++) splitNibbles(w, block + QS + 32 * g, nibbles, 64 * g);
            acc = Blocks.kQuantScaledDots(nibbles, x, xOff + b * BLOCK, scales).fma(FloatVector.broadcast(F, half(w, block)), acc);
            minTerm += half(w, block + 2) * Blocks.kQuantMinTerm(mins, sums, b);
        }
        return acc.reduceLanes(VectorOperators.ADD) - minTerm;
    }

    /** The 32 bytes at {@code at} as 64 nibbles: the low ones to nibbles[to, to + 32), the high ones to [to + 32, to + 64). */
    static void splitNibbles(MemorySegment w, long at, byte[] nibbles, int to) {
        for (int o = 0; o < 32; o += WIDE_B.vectorByteSize()) {
            ByteVector q = ByteVector.fromMemorySegment(WIDE_B, w, at + o, LE);
            q.and((byte) 0x0F).intoArray(nibbles, to + o);
            highNibbles(q).intoArray(nibbles, to + 32 + o);
        }
    }

    /**
     * Per sub-block s: d·sc_s·d_x·Σ q·q_x − dmin·mn_s·d_x·Σ q_x, the first sum in integers
     * (nibble × int8 products, two per short lane: |2·15·127| fits in 16 bits), the second from
     * the activations' block sums, so the minimum never enters the vector loop.
     */
    @Override
    public float dot(MemorySegment w, long offset, Int8Activations x) {
        FloatVector acc1 = FloatVector.zero(Int8Lanes.F8), acc2 = acc1;
        float mins = 0;
        for (int b = 0; b < x.length() / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = half(w, block), dmin = half(w, block + 2);
            long lo = w.get(LONG, block + 4);
            int u0 = (int) lo, u1 = (int) (lo >>> 32), u2 = w.get(INT, block + 12);
            long scales = Blocks.kQuantScales(u0, u2);
            long mn = Blocks.kQuantMins(u1, u2);
            int sub = b * (BLOCK / 32);
            float m = 0;
            for (int g = 0; g < 4; g++) {
                int xb = b * BLOCK + 64 * g, s1 = sub + 2 * g, s2 = s1 + 1;
                ByteVector q0 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, block + QS + 32 * g, LE);
                ByteVector q1 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, block + QS + 32 * g + 16, LE);
                ShortVector p1 = Int8Lanes.widen(q0.and((byte) 0x0F)).mul(Int8Lanes.levels(x, xb))
                        .add(Int8Lanes.widen(q1.and((byte) 0x0F)).mul(Int8Lanes.levels(x, xb + 16)));
                ShortVector p2 = Int8Lanes.widen(highNibbles(q0)).mul(Int8Lanes.levels(x, xb + 32))
                        .add(Int8Lanes.widen(highNibbles(q1)).mul(Int8Lanes.levels(x, xb + 48)));
                int sh = 16 * g;
                long sc1 = (scales >>> sh) & 0xFF, sc2 = (scales >>> (sh + 8)) & 0xFF;
                acc1 = Int8Lanes.pairSumFloat(p1).fma(FloatVector.broadcast(Int8Lanes.F8, d * sc1 * x.scale[s1]), acc1);
                acc2 = Int8Lanes.pairSumFloat(p2).fma(FloatVector.broadcast(Int8Lanes.F8, d * sc2 * x.scale[s2]), acc2);
                m += ((mn >>> sh) & 0xFF) * x.scale[s1] * x.sum[s1] + ((mn >>> (sh + 8)) & 0xFF) * x.scale[s2] * x.sum[s2];
            }
            mins += dmin * m;
        }
        return acc1.add(acc2).reduceLanes(VectorOperators.ADD) - mins;
    }

    static void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        float d = half(src, block), dmin = half(src, block + 2);
        long lo = src.get(LONG, block + 4);
        int hi = src.get(INT, block + 12);
        for (int g = 0; g < 4; g++) {
            float d1 = d * scaleMin(lo, hi, 2 * g, 0), m1 = dmin * scaleMin(lo, hi, 2 * g, 1);
            float d2 = d * scaleMin(lo, hi, 2 * g + 1, 0), m2 = dmin * scaleMin(lo, hi, 2 * g + 1, 1);
            for (int l = 0; l < 32; l++) {
                int q = src.get(ValueLayout.JAVA_BYTE, block + QS + 32 * g + l) & 0xFF;
                dst[off + 64 * g + l] = d1 * (q & 15) - m1;
                dst[off + 64 * g + 32 + l] = d2 * (q >>> 4) - m2;
            }
        }
    }

    static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(Q4_KKernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /**
     * llama.cpp's reference (quantize_row_q4_K_ref): per sub-block a scale and min by the weighted
     * search (weights rms + |x|), both sets then quantized to 6 bits against their maxima, and the
     * levels recomputed against the rounded scales.
     */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        KQuantizer.quantizeAffine(src, srcOff, dst, offset, n, 15, -1f, 0.1f, 20, (levels, block) -> {
            for (int g = 0; g < 4; g++) {
                for (int l = 0; l < 32; l++) {
                    dst.set(ValueLayout.JAVA_BYTE, block + QS + 32 * g + l, (byte) (levels[64 * g + l] | levels[64 * g + 32 + l] << 4));
                }
            }
        }, BLOCK_BYTES);
    }
}
