package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.LONG;
import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Blocks.half;
import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.QuantSearch.nearestInt;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/**
 * Q6_K: super-blocks of 256 6-bit levels (210 bytes): ql[128] low nibbles, qh[64] top two bits,
 * sixteen int8 scales (one per 16 values), fp16 d last. Value d·sc·(q − 32). Each half of 128
 * values uses 64 ql bytes (byte l: values l and l+64 in its nibbles, byte l+32: l+32 and l+96)
 * and 32 qh bytes (byte l: the top bits of values l, l+32, l+64, l+96, two bits each).
 */
final class Q6_KKernels implements WeightKernels, Int8Dot {
    /** From the type table, into static finals: JIT constants like the literals they replace (enum fields are not). */
    private static final int BLOCK = WeightType.Q6_K.blockSize;
    private static final int BLOCK_BYTES = WeightType.Q6_K.blockBytes;
    private static final int QH = 128;
    private static final int SC = 192;
    private static final int D = 208;
    /** A vector of L values must not straddle two 16-value scale groups. */
    private static final boolean VECTOR = 16 % L == 0;

    private static byte scale(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at);
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(Q6_KKernels::decodeBlock, BLOCK, BLOCK_BYTES, src, offset, dst, dstOff, n);
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = half(src, block + D);
            for (int h = 0; h < 2; h++) {
                long ql = block + 64 * h, qh = block + QH + 32 * h, sc = block + SC + 8 * h;
                int out = dstOff + b * BLOCK + 128 * h;
                for (int l = 0; l < 32; l += L) {
                    int is = l / 16;
                    ByteVector a = ByteVector.fromMemorySegment(B, src, ql + l, LE);
                    ByteVector c = ByteVector.fromMemorySegment(B, src, ql + 32 + l, LE);
                    ByteVector top = ByteVector.fromMemorySegment(B, src, qh + l, LE);
                    toFloat(q1(a, top)).mul(d * scale(src, sc + is)).intoArray(dst, out + l);
                    toFloat(q2(c, top)).mul(d * scale(src, sc + is + 2)).intoArray(dst, out + 32 + l);
                    toFloat(q3(a, top)).mul(d * scale(src, sc + is + 4)).intoArray(dst, out + 64 + l);
                    toFloat(q4(c, top)).mul(d * scale(src, sc + is + 6)).intoArray(dst, out + 96 + l);
                }
            }
        }
    }

    // The four 6-bit levels (minus 32) held in ql bytes a (values l, l+64), c (l+32, l+96) and qh byte top.
    private static ByteVector q1(ByteVector a, ByteVector top) {
        return a.and((byte) 0x0F).or(top.and((byte) 0x03).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
    }

    private static ByteVector q2(ByteVector c, ByteVector top) {
        return c.and((byte) 0x0F).or(top.and((byte) 0x0C).lanewise(VectorOperators.LSHL, 2)).sub((byte) 32);
    }

    private static ByteVector q3(ByteVector a, ByteVector top) {
        return a.lanewise(VectorOperators.LSHR, 4).or(top.and((byte) 0x30)).sub((byte) 32);
    }

    private static ByteVector q4(ByteVector c, ByteVector top) {
        return c.lanewise(VectorOperators.LSHR, 4).or(top.lanewise(VectorOperators.LSHR, 2).and((byte) 0x30)).sub((byte) 32);
    }

    /**
     * Level − 32 of L values: nibbles from ql bytes {@code src} (shifted right by {@code nshift}),
     * two top bits from qh (shifted right by {@code tshift}). Shifts are done on ints (x86 has no
     * byte shift) and masked per byte.
     */
    private static FloatVector level(ByteVector src, IntVector top, int nshift, int tshift) {
        return toFloat(levelBytes(src, top, nshift, tshift));
    }

    private static ByteVector levelBytes(ByteVector src, IntVector top, int nshift, int tshift) {
        IntVector nib = src.reinterpretAsInts().lanewise(VectorOperators.LSHR, nshift).and(0x0F0F0F0F);
        IntVector hb = top.lanewise(VectorOperators.LSHR, tshift).and(0x03030303).lanewise(VectorOperators.LSHL, 4);
        return nib.or(hb).reinterpretAsBytes().sub((byte) 32);
    }

    /**
     * Every vector of L values shares one scale: Σ (q·sc)·x (exact in float), with d applied once
     * per super-block. The loop body is kept small (a kk loop rather than four written-out
     * quarters) so C2 inlines every vector call before NodeCountInliningCutoff; two accumulators
     * (ql bytes l and l+32) halve the FMA chain; the 8 scales of a half come from one long read.
     */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            FloatVector sa = FloatVector.zero(F), sc = FloatVector.zero(F);
            for (int h = 0; h < 2; h++) {
                long ql = block + 64 * h, qh = block + QH + 32 * h;
                long scales = w.get(LONG, block + SC + 8 * h);
                int xb = xOff + b * BLOCK + 128 * h;
                for (int l = 0; l < 32; l += L) {
                    int is = l / 16;
                    ByteVector a = ByteVector.fromMemorySegment(B, w, ql + l, LE);
                    ByteVector c = ByteVector.fromMemorySegment(B, w, ql + 32 + l, LE);
                    IntVector top = ByteVector.fromMemorySegment(B, w, qh + l, LE).reinterpretAsInts();
                    for (int kk = 0; kk < 2; kk++) {
                        sa = level(a, top, 4 * kk, 4 * kk).mul((byte) (scales >>> (8 * (is + 4 * kk))))
                                .fma(FloatVector.fromArray(F, x, xb + 64 * kk + l), sa);
                        sc = level(c, top, 4 * kk, 4 * kk + 2).mul((byte) (scales >>> (8 * (is + 4 * kk + 2))))
                                .fma(FloatVector.fromArray(F, x, xb + 64 * kk + 32 + l), sc);
                    }
                }
            }
            FloatVector d = FloatVector.broadcast(F, half(w, block + D));
            if ((b & 1) == 0) acc0 = sa.add(sc).fma(d, acc0);
            else acc1 = sa.add(sc).fma(d, acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Per 32 activations (one int8 block, two 16-value scale groups): d·d_x·Σ_groups sc·Σ (q − 32)·q_x
     * with everything inside the d·d_x factor in integers: (q − 32)·q_x fits in 16 bits, the pair
     * sums are multiplied by the int8 group scale as ints (|Σ| ≤ 32·32·127·128, far inside 32 bits).
     */
    @Override
    public float dot(MemorySegment w, long offset, Int8Activations x) {
        FloatVector acc0 = FloatVector.zero(Int8Lanes.F8), acc1 = acc0;
        for (int b = 0; b < x.length() / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = half(w, block + D);
            for (int h = 0; h < 2; h++) {
                long ql = block + 64 * h, qh = block + QH + 32 * h;
                long scales = w.get(LONG, block + SC + 8 * h);
                ByteVector a0 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, ql, LE);
                ByteVector a1 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, ql + 16, LE);
                ByteVector c0 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, ql + 32, LE);
                ByteVector c1 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, ql + 48, LE);
                IntVector t0 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, qh, LE).reinterpretAsInts();
                IntVector t1 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, qh + 16, LE).reinterpretAsInts();
                int xb = b * BLOCK + 128 * h;
                for (int kk = 0; kk < 2; kk++) {
                    int xa = xb + 64 * kk, xc = xa + 32, sa = 4 * kk, sc = sa + 2;
                    acc0 = groupPair(levelBytes(a0, t0, 4 * kk, 4 * kk), levelBytes(a1, t1, 4 * kk, 4 * kk), x, xa, scales, sa)
                            .fma(FloatVector.broadcast(Int8Lanes.F8, d * x.scale[xa / 32]), acc0);
                    acc1 = groupPair(levelBytes(c0, t0, 4 * kk, 4 * kk + 2), levelBytes(c1, t1, 4 * kk, 4 * kk + 2), x, xc, scales, sc)
                            .fma(FloatVector.broadcast(Int8Lanes.F8, d * x.scale[xc / 32]), acc1);
                }
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** sc_i·Σ q·q_x + sc_{i+1}·Σ q·q_x over the two 16-value groups of levels {@code g0}, {@code g1} at activations {@code xa}. */
    private static FloatVector groupPair(ByteVector g0, ByteVector g1, Int8Activations x, int xa, long scales, int i) {
        IntVector s0 = Int8Lanes.pairSum(Int8Lanes.widen(g0).mul(Int8Lanes.levels(x, xa))).mul((byte) (scales >>> (8 * i)));
        IntVector s1 = Int8Lanes.pairSum(Int8Lanes.widen(g1).mul(Int8Lanes.levels(x, xa + 16))).mul((byte) (scales >>> (8 * (i + 1))));
        return (FloatVector) s0.add(s1).convert(VectorOperators.I2F, 0);
    }

    static void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        float d = half(src, block + D);
        for (int h = 0; h < 2; h++) {
            long ql = block + 64 * h, qh = block + QH + 32 * h, sc = block + SC + 8 * h;
            int out = off + 128 * h;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int a = src.get(ValueLayout.JAVA_BYTE, ql + l) & 0xFF;
                int c = src.get(ValueLayout.JAVA_BYTE, ql + 32 + l) & 0xFF;
                int top = src.get(ValueLayout.JAVA_BYTE, qh + l) & 0xFF;
                dst[out + l] = d * scale(src, sc + is) * ((a & 15 | (top & 3) << 4) - 32);
                dst[out + 32 + l] = d * scale(src, sc + is + 2) * ((c & 15 | ((top >>> 2) & 3) << 4) - 32);
                dst[out + 64 + l] = d * scale(src, sc + is + 4) * ((a >>> 4 | ((top >>> 4) & 3) << 4) - 32);
                dst[out + 96 + l] = d * scale(src, sc + is + 6) * ((c >>> 4 | (top >>> 6) << 4) - 32);
            }
        }
    }

    static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(Q6_KKernels::decodeBlock, BLOCK, BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /**
     * llama.cpp's reference (quantize_row_q6_K_ref): a scale per 16 values by the x²-weighted
     * search, the scales quantized to int8 against the largest (which maps to −128), then the
     * levels recomputed against the rounded scales.
     */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        int[] levels = new int[BLOCK];
        float[] scales = new float[16];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int base = srcOff + b * BLOCK;
            float maxScale = 0, maxAbsScale = 0;
            for (int ib = 0; ib < 16; ib++) {
                float s = QuantSearch.symmetricScaleSearch(16, 32, src, base + 16 * ib, levels, 16 * ib);
                scales[ib] = s;
                if (Math.abs(s) > maxAbsScale) {
                    maxAbsScale = Math.abs(s);
                    maxScale = s;
                }
            }
            if (maxAbsScale < QuantSearch.GROUP_MAX_EPS) {
                dst.asSlice(block, BLOCK_BYTES).fill((byte) 0);
                continue;
            }
            float iscale = -128f / maxScale;
            short dBits = Float.floatToFloat16(1 / iscale);
            dst.set(SHORT, block + D, dBits);
            float dq = Float.float16ToFloat(dBits);
            for (int ib = 0; ib < 16; ib++) {
                int sc = Math.min(127, nearestInt(iscale * scales[ib]));
                dst.set(ValueLayout.JAVA_BYTE, block + SC + ib, (byte) sc);
                float d = dq * (byte) sc;
                if (d == 0) continue; // keep the search's levels, as the reference does
                for (int i = 0; i < 16; i++) {
                    levels[16 * ib + i] = 32 + Math.clamp(nearestInt(src[base + 16 * ib + i] / d), -32, 31);
                }
            }
            for (int h = 0; h < 2; h++) {
                int j = 128 * h;
                long ql = block + 64 * h, qh = block + QH + 32 * h;
                for (int l = 0; l < 32; l++) {
                    int v1 = levels[j + l], v2 = levels[j + l + 32], v3 = levels[j + l + 64], v4 = levels[j + l + 96];
                    dst.set(ValueLayout.JAVA_BYTE, ql + l, (byte) (v1 & 15 | (v3 & 15) << 4));
                    dst.set(ValueLayout.JAVA_BYTE, ql + 32 + l, (byte) (v2 & 15 | (v4 & 15) << 4));
                    dst.set(ValueLayout.JAVA_BYTE, qh + l, (byte) (v1 >>> 4 | (v2 >>> 4) << 2 | (v3 >>> 4) << 4 | (v4 >>> 4) << 6));
                }
            }
        }
    }
}
