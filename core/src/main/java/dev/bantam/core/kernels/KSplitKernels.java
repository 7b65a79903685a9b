package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.INT;
import static dev.bantam.core.kernels.Blocks.LONG;
import static dev.bantam.core.kernels.Blocks.half;
import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.QuantSearch.scaleMin;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/**
 * Layouts of no file type, made at load by {@link Q4_KRepack} and {@link Q5_KRepack}: a K-quant
 * whose value is d·sc·q − dmin·mn per sub-block of 32, with its scales apart from its levels.
 * Per 256 values: eight floats d·sc, eight floats dmin·mn, then the file's level bytes unchanged.
 * <ul>
 * <li>{@link #NIBBLES} (Q4_K): Q4_K's 128 bytes of nibbles, 192 bytes in all (6 bits a value
 * against Q4_K's 4.5).
 * <li>{@link #FIFTH_BITS} (Q5_K): Q5_K's 32 bytes of fifth bits qh and 128 of nibbles qs, 224
 * bytes in all (7 bits a value against Q5_K's 5.5).
 * </ul>
 * The dots do none of the 6-bit scale unpacking and fp16 conversion, which the committed asm of
 * Q4_K shows as about 40 scalar instructions per super-block; they unpack the levels into an L1
 * scratch as the file types' dots do. d is an fp16 and sc 6 bits, so d·sc (and dmin·mn) is
 * exact in float: the products are those the Q4_K and Q5_K references compute, and the values
 * are too.
 */
final class KSplitKernels implements WeightKernels, SummedDot {
    static final int BLOCK = 256;
    static final int MINS = 32;
    static final int QS = 64;
    static final int NIBBLE_BLOCK_BYTES = QS + BLOCK / 2;
    /** {@link #FIFTH_BITS}: qh from QS, qs from QS + 32. */
    static final int FIFTH_QS = QS + 32;
    static final int FIFTH_BLOCK_BYTES = FIFTH_QS + BLOCK / 2;
    /** Q4_K's nibbles behind the scales. */
    static final KSplitKernels NIBBLES = new KSplitKernels(false);
    /** Q5_K's fifth bits and nibbles behind the scales. */
    static final KSplitKernels FIFTH_BITS = new KSplitKernels(true);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    /** The eight mins of a super-block against its eight Σ x, as one vector. */
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final boolean VECTOR = 32 % L == 0;

    /** One branch per row on it: the loops below use the constants of their form. */
    private final boolean fifth;
    /** Bytes of a super-block in this form. */
    final int blockBytes;

    private KSplitKernels(boolean fifth) {
        this.fifth = fifth;
        this.blockBytes = fifth ? FIFTH_BLOCK_BYTES : NIBBLE_BLOCK_BYTES;
    }

    /** Bytes of {@code n} values (a multiple of {@link #BLOCK}). */
    long bytesFor(long n) {
        return n / BLOCK * blockBytes;
    }

    /** Where the level bytes start in a Q4_K or Q5_K super-block, after fp16 d and dmin and 12 bytes of scales and mins. */
    private static final int FILE_LEVELS = 16;

    /**
     * A Q4_K or Q5_K super-block at {@code src[block..]} in this form at {@code dst[at..]}: d·sc
     * and dmin·mn as the references compute them (float times int), then the file's level bytes
     * as they are (Q4_K's nibbles; Q5_K's fifth bits and nibbles, in that order in both).
     */
    void repackBlock(MemorySegment src, long block, MemorySegment dst, long at) {
        float d = half(src, block), dmin = half(src, block + 2);
        long lo = src.get(LONG, block + 4);
        int hi = src.get(INT, block + 12);
        for (int s = 0; s < 8; s++) {
            dst.set(FLOAT, at + 4L * s, d * scaleMin(lo, hi, s, 0));
            dst.set(FLOAT, at + MINS + 4L * s, dmin * scaleMin(lo, hi, s, 1));
        }
        MemorySegment.copy(src, block + FILE_LEVELS, dst, at + QS, blockBytes - QS);
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (!VECTOR) {
            Blocks.dequantizeByBlocks(decoder(), BLOCK, blockBytes, src, offset, dst, dstOff, n);
        } else if (fifth) {
            dequantizeFifthBits(src, offset, dst, dstOff, n);
        } else {
            for (int b = 0; b < n / BLOCK; b++) {
                long block = offset + (long) b * NIBBLE_BLOCK_BYTES;
                for (int g = 0; g < 4; g++) {
                    int out = dstOff + b * BLOCK + 64 * g;
                    Q4_KKernels.dequantizeGroup(src, block + QS + 32 * g, src.get(FLOAT, block + 8L * g), src.get(FLOAT, block + MINS + 8L * g),
                            src.get(FLOAT, block + 8L * g + 4), src.get(FLOAT, block + MINS + 8L * g + 4), dst, out);
                }
            }
        }
    }

    /** d·sc·q − dmin·mn as a multiplication then a subtraction, not an FMA: the reference's rounding. */
    private static void dequantizeFifthBits(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        byte[] levels = new byte[BLOCK];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * FIFTH_BLOCK_BYTES;
            Q5_KKernels.unpackLevels(src, block + QS, block + FIFTH_QS, levels);
            for (int s = 0; s < 8; s++) {
                FloatVector d = FloatVector.broadcast(F, src.get(FLOAT, block + 4L * s));
                FloatVector m = FloatVector.broadcast(F, src.get(FLOAT, block + MINS + 4L * s));
                int out = dstOff + b * BLOCK + 32 * s;
                for (int j = 0; j < 32; j += L) toFloat(ByteVector.fromArray(B, levels, 32 * s + j)).mul(d).sub(m).intoArray(dst, out + j);
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (!VECTOR) return Blocks.dotByBlocks(decoder(), BLOCK, blockBytes, w, offset, x, xOff, n);
        return dot(w, offset, x, xOff, n, Blocks.blockSums(x, xOff, n));
    }

    /**
     * As Q4_K's summed dot, with the scales read rather than unpacked: per sub-block Σ q·x in
     * float, times its d·sc into one of two accumulators (even and odd sub-blocks, so that the
     * scale FMAs do not wait on each other); the eight mins times the eight Σ x as one vector FMA.
     */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n, float[] sums) {
        if (!VECTOR) return Blocks.dotByBlocks(decoder(), BLOCK, blockBytes, w, offset, x, xOff, n);
        return fifth ? fifthBitDot(w, offset, x, xOff, n, sums) : nibbleDot(w, offset, x, xOff, n, sums);
    }

    private static float nibbleDot(MemorySegment w, long offset, float[] x, int xOff, int n, float[] sums) {
        byte[] nibbles = new byte[BLOCK];
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        FloatVector mins = FloatVector.zero(F8);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * NIBBLE_BLOCK_BYTES;
            for (int g = 0; g < 4; g++) Q4_KKernels.splitNibbles(w, block + QS + 32 * g, nibbles, 64 * g);
            int xb = xOff + b * BLOCK;
            for (int s = 0; s < 8; s += 2) {
                acc0 = subDot(nibbles, 32 * s, x, xb).fma(FloatVector.broadcast(F, w.get(FLOAT, block + 4L * s)), acc0);
                acc1 = subDot(nibbles, 32 * s + 32, x, xb).fma(FloatVector.broadcast(F, w.get(FLOAT, block + 4L * s + 4)), acc1);
            }
            mins = FloatVector.fromMemorySegment(F8, w, block + MINS, LE).fma(FloatVector.fromArray(F8, sums, 8 * b), mins);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - mins.reduceLanes(VectorOperators.ADD);
    }

    /**
     * As Q5_K's summed dot, with the scales read rather than unpacked: per super-block the 256
     * levels unpacked into an L1 scratch (Q5_K's own unpacking), then per sub-block Σ q·x in float
     * times its d·sc, the eight-trip loop unrolled whole by C2; the eight mins times the eight Σ x
     * as one vector FMA. Two other forms were slower (repack-q5_k.md): a byte per level with a
     * four-trip loop over pairs of sub-blocks (C2 set up a pre-, main and post-loop with range
     * checks on the segment for each super-block), and these levels unpacked eight super-blocks
     * at a time and then multiplied in one flat loop.
     */
    private static float fifthBitDot(MemorySegment w, long offset, float[] x, int xOff, int n, float[] sums) {
        byte[] levels = new byte[BLOCK];
        FloatVector acc = FloatVector.zero(F);
        FloatVector mins = FloatVector.zero(F8);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * FIFTH_BLOCK_BYTES;
            Q5_KKernels.unpackLevels(w, block + QS, block + FIFTH_QS, levels);
            int xb = xOff + b * BLOCK;
            for (int s = 0; s < 8; s++) {
                FloatVector qx = FloatVector.zero(F);
                for (int j = 0; j < 32; j += L) qx = toFloat(ByteVector.fromArray(B, levels, 32 * s + j)).fma(FloatVector.fromArray(F, x, xb + 32 * s + j), qx);
                acc = qx.fma(FloatVector.broadcast(F, w.get(FLOAT, block + 4L * s)), acc);
            }
            mins = FloatVector.fromMemorySegment(F8, w, block + MINS, LE).fma(FloatVector.fromArray(F8, sums, 8 * b), mins);
        }
        return acc.reduceLanes(VectorOperators.ADD) - mins.reduceLanes(VectorOperators.ADD);
    }

    /** Σ q·x over the 32 levels at nibbles[at..], in L lanes. */
    private static FloatVector subDot(byte[] nibbles, int at, float[] x, int xb) {
        FloatVector p = toFloat(ByteVector.fromArray(B, nibbles, at)).mul(FloatVector.fromArray(F, x, xb + at));
        for (int j = L; j < 32; j += L) p = toFloat(ByteVector.fromArray(B, nibbles, at + j)).fma(FloatVector.fromArray(F, x, xb + at + j), p);
        return p;
    }

    /** The scalar decoding of this form. */
    Blocks.BlockDecoder decoder() {
        return this::decodeBlock;
    }

    /**
     * The scalar decoding of a super-block, in the references' operations (Q4_KKernels and
     * Q5_KKernels.decodeBlock): d·sc·q − dmin·mn, q a nibble with, in {@link #FIFTH_BITS}, its
     * fifth bit on top.
     */
    void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        long qs = block + (fifth ? FIFTH_QS : QS);
        for (int g = 0; g < 4; g++) {
            float d1 = src.get(FLOAT, block + 8L * g), m1 = src.get(FLOAT, block + MINS + 8L * g);
            float d2 = src.get(FLOAT, block + 8L * g + 4), m2 = src.get(FLOAT, block + MINS + 8L * g + 4);
            for (int l = 0; l < 32; l++) {
                int q = src.get(ValueLayout.JAVA_BYTE, qs + 32 * g + l) & 0xFF;
                int h = fifth ? src.get(ValueLayout.JAVA_BYTE, block + QS + l) & 0xFF : 0;
                dst[off + 64 * g + l] = d1 * ((q & 15) | ((h >>> (2 * g)) & 1) << 4) - m1;
                dst[off + 64 * g + 32 + l] = d2 * ((q >>> 4) | ((h >>> (2 * g + 1)) & 1) << 4) - m2;
            }
        }
    }

    /** The source type's quantization (Q4_K or Q5_K), then its repack of each super-block: for tests and benchmarks. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        WeightType type = fifth ? WeightType.Q5_K : WeightType.Q4_K;
        MemorySegment q = Arena.ofAuto().allocate(n / BLOCK * (long) type.blockBytes);
        Kernels.of(type).quantize(src, srcOff, q, 0, n);
        for (int b = 0; b < n / BLOCK; b++) repackBlock(q, (long) b * type.blockBytes, dst, offset + (long) b * blockBytes);
    }
}
