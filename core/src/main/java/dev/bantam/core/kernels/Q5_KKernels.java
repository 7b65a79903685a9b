package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * Q5_K: Q4_K with a fifth bit per value (176 bytes): d, dmin, 12 scale bytes, qh[32], qs[128].
 * Sub-block s (0..7) takes its fifth bit from bit s of qh[l], l its position within the sub-block.
 */
final class Q5_KKernels implements WeightKernels, SummedDot, Int8Dot {
    /** From the type table, into static finals: JIT constants like the literals they replace (enum fields are not). */
    private static final int BLOCK = WeightType.Q5_K.blockSize;
    private static final int BLOCK_BYTES = WeightType.Q5_K.blockBytes;
    private static final int QH = 16;
    private static final int QS = 48;
    private static final boolean VECTOR = 32 % L == 0;

    /** Bit {@code bit} of each qh byte, moved to the 16s place. */
    private static ByteVector fifthBit(ByteVector qh, int bit) {
        return qh.lanewise(VectorOperators.LSHR, bit).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(Q5_KKernels::decodeBlock, BLOCK, BLOCK_BYTES, src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = half(src, block), dmin = half(src, block + 2);
            long lo = src.get(LONG, block + 4);
            int hi = src.get(INT, block + 12);
            for (int g = 0; g < 4; g++) {
                int out = dstOff + b * BLOCK + 64 * g;
                FloatVector d1 = FloatVector.broadcast(F, d * scaleMin(lo, hi, 2 * g, 0));
                FloatVector m1 = FloatVector.broadcast(F, dmin * scaleMin(lo, hi, 2 * g, 1));
                FloatVector d2 = FloatVector.broadcast(F, d * scaleMin(lo, hi, 2 * g + 1, 0));
                FloatVector m2 = FloatVector.broadcast(F, dmin * scaleMin(lo, hi, 2 * g + 1, 1));
                for (int j = 0; j < 32; j += L) {
                    ByteVector q = ByteVector.fromMemorySegment(B, src, block + QS + 32 * g + j, LE);
                    ByteVector h = ByteVector.fromMemorySegment(B, src, block + QH + j, LE);
                    toFloat(q.and((byte) 0x0F).or(fifthBit(h, 2 * g))).mul(d1).sub(m1).intoArray(dst, out + j);
                    toFloat(q.lanewise(VectorOperators.LSHR, 4).or(fifthBit(h, 2 * g + 1))).mul(d2).sub(m2).intoArray(dst, out + 32 + j);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        return dot(w, offset, x, xOff, n, Blocks.blockSums(x, xOff, n));
    }

    /**
     * As Q4_K: d·Σ sc·Σ q·x − dmin·Σ mn·Σ x, the 256 five-bit levels of a super-block unpacked
     * into an L1 scratch first with 32-byte integer operations (byte shifts are emulated on x86),
     * so the vector loop is Q4_K's.
     */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n, float[] sums) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        byte[] levels = new byte[BLOCK];
        FloatVector acc = FloatVector.zero(F);
        float minTerm = 0;
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            long lo = w.get(LONG, block + 4);
            int u0 = (int) lo, u1 = (int) (lo >>> 32), u2 = w.get(INT, block + 12);
            unpackLevels(w, block, levels);
            acc = Blocks.kQuantScaledDots(levels, x, xOff + b * BLOCK, Blocks.kQuantScales(u0, u2)).fma(FloatVector.broadcast(F, half(w, block)), acc);
            minTerm += half(w, block + 2) * Blocks.kQuantMinTerm(Blocks.kQuantMins(u1, u2), sums, b);
        }
        return acc.reduceLanes(VectorOperators.ADD) - minTerm;
    }

    /** The super-block's levels in value order: sub-block 2g from the low nibbles of qs[32g..], 2g + 1 from the high ones, bit s of qh[l] on top. */
    private static void unpackLevels(MemorySegment w, long block, byte[] levels) {
        unpackLevels(w, block + QH, block + QS, levels);
    }

    /** As {@link #unpackLevels(MemorySegment, long, byte[])}, from qh at {@code qh} and qs at {@code qs}: also {@link KSplitKernels}'. */
    static void unpackLevels(MemorySegment w, long qh, long qs, byte[] levels) {
        for (int o = 0; o < 32; o += WIDE_B.vectorByteSize()) {
            IntVector h = ByteVector.fromMemorySegment(WIDE_B, w, qh + o, LE).reinterpretAsInts();
            for (int g = 0; g < 4; g++) {
                ByteVector q = ByteVector.fromMemorySegment(WIDE_B, w, qs + 32 * g + o, LE);
                q.and((byte) 0x0F).or(fifthBitInts(h, 2 * g)).intoArray(levels, 64 * g + o);
                highNibbles(q).or(fifthBitInts(h, 2 * g + 1)).intoArray(levels, 64 * g + 32 + o);
            }
        }
    }

    /** As Q4_K's int8 dot, the levels taking their fifth bit from qh (|2·31·127| still fits in 16 bits). */
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
            IntVector h0 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, block + QH, LE).reinterpretAsInts();
            IntVector h1 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, block + QH + 16, LE).reinterpretAsInts();
            int sub = b * (BLOCK / 32);
            float m = 0;
            for (int g = 0; g < 4; g++) {
                int xb = b * BLOCK + 64 * g, s1 = sub + 2 * g, s2 = s1 + 1;
                ByteVector q0 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, block + QS + 32 * g, LE);
                ByteVector q1 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, block + QS + 32 * g + 16, LE);
                ShortVector p1 = Int8Lanes.widen(q0.and((byte) 0x0F).or(fifthBitInts(h0, 2 * g))).mul(Int8Lanes.levels(x, xb))
                        .add(Int8Lanes.widen(q1.and((byte) 0x0F).or(fifthBitInts(h1, 2 * g))).mul(Int8Lanes.levels(x, xb + 16)));
                ShortVector p2 = Int8Lanes.widen(highNibbles(q0).or(fifthBitInts(h0, 2 * g + 1))).mul(Int8Lanes.levels(x, xb + 32))
                        .add(Int8Lanes.widen(highNibbles(q1).or(fifthBitInts(h1, 2 * g + 1))).mul(Int8Lanes.levels(x, xb + 48)));
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

    /** Bit {@code bit} of each qh byte moved to the 16s place, shifted as ints (x86 has no byte shift) and masked per byte. */
    private static ByteVector fifthBitInts(IntVector qh, int bit) {
        return qh.lanewise(VectorOperators.LSHR, bit).and(0x01010101).lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes();
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
                int h = src.get(ValueLayout.JAVA_BYTE, block + QH + l) & 0xFF;
                dst[off + 64 * g + l] = d1 * ((q & 15) | ((h >>> (2 * g)) & 1) << 4) - m1;
                dst[off + 64 * g + 32 + l] = d2 * ((q >>> 4) | ((h >>> (2 * g + 1)) & 1) << 4) - m2;
            }
        }
    }

    static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(Q5_KKernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /** llama.cpp's reference (quantize_row_q5_K_ref): as Q4_K with 32 levels and a narrower search. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        KQuantizer.quantizeAffine(src, srcOff, dst, offset, n, 31, -0.5f, 0.1f, 15, (levels, block) -> {
            for (int l = 0; l < 32; l++) {
                int h = 0;
                for (int s = 0; s < 8; s++) h |= (levels[32 * s + l] >>> 4) << s;
                dst.set(ValueLayout.JAVA_BYTE, block + QH + l, (byte) h);
            }
            for (int g = 0; g < 4; g++) {
                for (int l = 0; l < 32; l++) {
                    int q = (levels[64 * g + l] & 15) | (levels[64 * g + 32 + l] & 15) << 4;
                    dst.set(ValueLayout.JAVA_BYTE, block + QS + 32 * g + l, (byte) q);
                }
            }
        }, BLOCK_BYTES);
    }
}
