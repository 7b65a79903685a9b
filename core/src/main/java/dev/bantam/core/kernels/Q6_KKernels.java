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
import static dev.bantam.core.kernels.Vec.WIDE_I;

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
    static final int QH = 128;
    static final int SC = 192;
    static final int D = 208;
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
        byte[] levels = new byte[128];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = half(src, block + D);
            for (int h = 0; h < 2; h++) {
                unpackHalf(src, block + 64 * h, block + QH + 32 * h, levels);
                int out = dstOff + b * BLOCK + 128 * h;
                for (int g = 0; g < 8; g++) {
                    FloatVector s = FloatVector.broadcast(F, d * scale(src, block + SC + 8 * h + g));
                    for (int j = 0; j < 16; j += L) {
                        toFloat(ByteVector.fromArray(B, levels, 16 * g + j)).mul(s).intoArray(dst, out + 16 * g + j);
                    }
                }
            }
        }
    }

    /**
     * The 128 levels − 32 of one half in value order (levels[32·k + l] is value 32·k + l), from 32
     * bytes at a time: quarter k takes nibble k / 2 of ql bytes {@code ql} (k even) or
     * {@code ql + 32} (k odd) and bits 2k, 2k + 1 of the qh bytes.
     */
    static void unpackHalf(MemorySegment w, long ql, long qh, byte[] levels) {
        for (int o = 0; o < 32; o += WIDE_I.vectorByteSize()) {
            IntVector a = IntVector.fromMemorySegment(WIDE_I, w, ql + o, LE);
            IntVector c = IntVector.fromMemorySegment(WIDE_I, w, ql + 32 + o, LE);
            IntVector top = IntVector.fromMemorySegment(WIDE_I, w, qh + o, LE);
            // a loop, not four written-out quarters: C2 parses the body once (see blockDot)
            for (int k = 0; k < 4; k++) levelBytes((k & 1) == 0 ? a : c, top, 4 * (k >> 1), 2 * k).intoArray(levels, 32 * k + o);
        }
    }

    /**
     * Level − 32 of the bytes of {@code src} (as ints): nibbles shifted right by {@code nshift},
     * two top bits from qh shifted right by {@code tshift}. Shifts are done on ints (x86 has no
     * byte shift) and masked per byte.
     */
    private static ByteVector levelBytes(IntVector src, IntVector top, int nshift, int tshift) {
        IntVector nib = src.lanewise(VectorOperators.LSHR, nshift).and(0x0F0F0F0F);
        IntVector hb = top.lanewise(VectorOperators.LSHR, tshift).and(0x03030303).lanewise(VectorOperators.LSHL, 4);
        return nib.or(hb).reinterpretAsBytes().sub((byte) 32);
    }

    /**
     * Per super-block: the levels of each half unpacked whole ({@link #unpackHalf}), Σ q·x over
     * each 16-value group (one widening load, one convert, one FMA per L values) times its int8
     * scale, d once.
     */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return scalarDot(w, offset, x, xOff, n);
        byte[] levels = new byte[128];
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) sum += blockDot(w, offset + (long) b * BLOCK_BYTES, x, xOff + b * BLOCK, levels);
        return sum;
    }

    /**
     * One super-block's dot. A method of its own, as unpackHalf's loop over quarters: with the
     * row loop around it C2 reaches NodeCountInliningCutoff, leaves a vector call out of line and
     * boxes its vectors (measured 5–10× slower). Two accumulators (even and odd groups) halve the
     * FMA chain.
     */
    private static float blockDot(MemorySegment w, long block, float[] x, int xb, byte[] levels) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        for (int h = 0; h < 2; h++) {
            unpackHalf(w, block + 64 * h, block + QH + 32 * h, levels);
            long scales = w.get(LONG, block + SC + 8 * h);
            int xh = xb + 128 * h;
            for (int g = 0; g < 8; g += 2) {
                FloatVector p0 = FloatVector.zero(F), p1 = p0;
                for (int j = 0; j < 16; j += L) {
                    p0 = toFloat(ByteVector.fromArray(B, levels, 16 * g + j)).fma(FloatVector.fromArray(F, x, xh + 16 * g + j), p0);
                    p1 = toFloat(ByteVector.fromArray(B, levels, 16 * g + 16 + j)).fma(FloatVector.fromArray(F, x, xh + 16 * g + 16 + j), p1);
                }
                s0 = p0.fma(FloatVector.broadcast(F, (byte) (scales >>> (8 * g))), s0);
                s1 = p1.fma(FloatVector.broadcast(F, (byte) (scales >>> (8 * g + 8))), s1);
            }
        }
        return (s0.reduceLanes(VectorOperators.ADD) + s1.reduceLanes(VectorOperators.ADD)) * half(w, block + D);
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
                IntVector a0 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, ql, LE).reinterpretAsInts();
                IntVector a1 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, ql + 16, LE).reinterpretAsInts();
                IntVector c0 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, ql + 32, LE).reinterpretAsInts();
                IntVector c1 = ByteVector.fromMemorySegment(Int8Lanes.B16, w, ql + 48, LE).reinterpretAsInts();
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
