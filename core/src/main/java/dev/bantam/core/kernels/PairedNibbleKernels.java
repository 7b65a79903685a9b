package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.INT;
import static dev.bantam.core.kernels.Blocks.LONG;
import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/**
 * A layout of no file type, made at load by {@link Q4_KRepack} and {@link Q4_0Repack} where the
 * CPU has 512-bit vectors: per 256 values a header (Q4_K: d and dmin as floats and the eight
 * 6-bit scales and mins as bytes, 24 bytes; Q4_0: the eight blocks' d as floats, 32 bytes) and the
 * 256 nibbles reordered so that decode multiplies them by int8 activations in 32-bit integer
 * lanes, two products a lane per multiply. 4.75 bits a value for Q4_K (the file's 4.5), 5 for
 * Q4_0 (4.5). Decode streams these bytes, so they are kept near the file's: the scales were
 * floats d·sc, dmin·mn at first (6 bits a value), which the kernels now form per super-block.
 *
 * <p>Why: llama.cpp's decode speed comes from int8 products (vpmaddubsw, vpdpbusd), and the Vector
 * API has no widening multiply-add; its pair sum of 16-bit products costs two shifts and an add,
 * which made the {@link Int8Dot} kernels no faster than the float path. Here the pair sum is free:
 * a lane holding two levels w0 + w1·2¹⁶, times an activation pair a1 + a0·2¹⁶, is
 * w0·a1 + (w0·a0 + w1·a1)·2¹⁶ modulo 2³², so one vpmulld leaves the pair's dot product in the
 * upper half. Each of the 16 lanes is one half (16 values) of one sub-block, so a lane adds the 8
 * products of one scale: started at 2¹⁵, its lower half (|Σ w0·a1| ≤ 8·15·127) never borrows from
 * or carries into the upper, and the upper (|Σ| ≤ 8·2·15·127 = 30,480) fits 16 signed bits, so an
 * arithmetic shift by 16 gives the exact integer sum. Per 32 values: a shift, an and, a multiply,
 * an add (the float path: six conversions and FMAs, plus the nibble split).
 *
 * <p>Per 256 values: the header, then two rows t of 16 int words; word (t, lane) holds
 * the levels of columns {@link #column}(lane, t, j, e): bits 4j of the low half (e = 0) and 4j of
 * the high half (e = 1), j = 0..3. Prefill reads the layout through {@link #dequantize}, which
 * puts the nibbles back in column order with byte permutes ({@link LevelPermute}) and gives the
 * reference's floats exactly. The int8 {@link #dot(MemorySegment, long,
 * Activations)} equals Σ w·x̂ in exact arithmetic, x̂ the values the quantized activations stand
 * for (the minimums too use Σ x̂, as llama.cpp's bsums), up to the final float scaling.
 */
final class PairedNibbleKernels implements WeightKernels, PreparedDot<PairedNibbleKernels.Activations> {
    static final int BLOCK = 256;
    /** Q4_K's header: d and dmin as floats, then the eight 6-bit scales and the eight mins as bytes. */
    private static final int Q4_K_HEADER = 24;
    /** Q4_0's header: the eight blocks' d as floats. */
    private static final int Q4_0_HEADER = 32;
    /** Q4_K's value d·sc·q − dmin·mn per sub-block of 32. */
    static final PairedNibbleKernels Q4_K = new PairedNibbleKernels(false);
    /**
     * Q4_0's value (q − 8)·d per block of 32: the scales are the eight blocks' d, the minimums 8d
     * (what the int8 dot subtracts, 8d·Σ x̂); dequantize computes (q − 8)·d as the reference does.
     */
    static final PairedNibbleKernels Q4_0 = new PairedNibbleKernels(true);
    private static final FloatVector EIGHT = FloatVector.broadcast(F, 8f);

    /** Q4_0's form: an offset of 8 rather than a minimum, for dequantize's rounding. */
    private final boolean offsetEight;
    /** Bytes of a super-block's header, where its 128 bytes of level words start. */
    private final int header;
    /** Bytes of a super-block in this form. */
    final int blockBytes;

    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final IntVector LOW_BIAS = IntVector.broadcast(I16, 0x8000);
    private static final IntVector PAIR_MASK = IntVector.broadcast(I16, 0x000F000F);

    /** Column (0..255) of the level at bits 4j of half e of word (t, lane): lane's sub-block lane & 7, its half lane >> 3. */
    static int column(int lane, int t, int j, int e) {
        return 32 * (lane & 7) + 16 * (lane >> 3) + 8 * t + 2 * j + e;
    }

    /** The nibble-split level rows (t = 0 low nibbles, t = 0 high, t = 1 low, t = 1 high) back into column order. */
    private static final LevelPermute COLUMN_ORDER;
    /** For the scalar decode: the word and bit of each column's level. */
    private static final int[] WORD_OF = new int[BLOCK], BIT_OF = new int[BLOCK];
    /** For preparing activations: the column of each pair's level in the low half, in the order the dot reads the pairs. */
    private static final int[] PAIR_COLUMN = new int[BLOCK / 2];

    static {
        int[] sourceOf = new int[BLOCK];
        for (int t = 0; t < 2; t++) {
            for (int lane = 0; lane < 16; lane++) {
                for (int q = 0; q < 4; q++) {
                    // byte q of the word: bits 8q..8q+7, i.e. half e = q >> 1, levels j = 2(q & 1) (low nibble) and 2(q & 1) + 1 (high)
                    for (int nib = 0; nib < 2; nib++) {
                        int j = 2 * (q & 1) + nib, e = q >> 1, c = column(lane, t, j, e);
                        sourceOf[c] = 64 * (2 * t + nib) + 4 * lane + q;
                        WORD_OF[c] = 16 * t + lane;
                        BIT_OF[c] = 16 * e + 4 * j;
                    }
                }
                for (int j = 0; j < 4; j++) PAIR_COLUMN[(t * 4 + j) * 16 + lane] = column(lane, t, j, 0);
            }
        }
        COLUMN_ORDER = new LevelPermute(sourceOf, true);
    }

    private PairedNibbleKernels(boolean offsetEight) {
        this.offsetEight = offsetEight;
        this.header = offsetEight ? Q4_0_HEADER : Q4_K_HEADER;
        this.blockBytes = header + BLOCK / 2;
    }

    /** Bytes of {@code n} values (a multiple of {@link #BLOCK}). */
    long bytesFor(long n) {
        return n / BLOCK * blockBytes;
    }

    /** A Q4_K super-block at {@code src[block..]} in this layout at {@code dst[at..]}: d, dmin, the scales and mins unpacked to bytes, the nibbles reordered. */
    static void repackQ4_K(MemorySegment src, long block, MemorySegment dst, long at, byte[] scratch) {
        long lo = src.get(LONG, block + 4);
        int hi = src.get(INT, block + 12);
        dst.set(FLOAT, at, Blocks.half(src, block));
        dst.set(FLOAT, at + 4, Blocks.half(src, block + 2));
        for (int s = 0; s < 8; s++) {
            dst.set(ValueLayout.JAVA_BYTE, at + 8 + s, (byte) QuantSearch.scaleMin(lo, hi, s, 0));
            dst.set(ValueLayout.JAVA_BYTE, at + 16 + s, (byte) QuantSearch.scaleMin(lo, hi, s, 1));
        }
        for (int g = 0; g < 4; g++) Q4_KKernels.splitNibbles(src, block + 16 + 32 * g, scratch, 64 * g);  // column order
        putLevels(scratch, dst, at + Q4_K_HEADER);
    }

    /** Eight Q4_0 blocks at {@code src[block..]} (256 values) in this layout at {@code dst[at..]}: d and 8d per block, the nibbles reordered. */
    static void repackQ4_0(MemorySegment src, long block, MemorySegment dst, long at, byte[] scratch) {
        int bytes = WeightType.Q4_0.blockBytes;
        for (int s = 0; s < 8; s++) {
            long b = block + (long) s * bytes;
            dst.set(FLOAT, at + 4L * s, Blocks.half(src, b));
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, b + 2 + j) & 0xFF;
                scratch[32 * s + j] = (byte) (q & 15);
                scratch[32 * s + 16 + j] = (byte) (q >>> 4);
            }
        }
        putLevels(scratch, dst, at + Q4_0_HEADER);
    }

    /** The 256 levels of {@code levels} (column order) as the level words at {@code dst[at..]}. */
    private static void putLevels(byte[] levels, MemorySegment dst, long at) {
        for (int t = 0; t < 2; t++) {
            for (int lane = 0; lane < 16; lane++) {
                int word = 0;
                for (int j = 0; j < 4; j++) {
                    word |= levels[column(lane, t, j, 0)] << (4 * j);
                    word |= levels[column(lane, t, j, 1)] << (16 + 4 * j);
                }
                dst.set(INT, at + 64L * t + 4L * lane, word);
            }
        }
    }

    /** d·sc·q − dmin·mn (Q4_K) or (q − 8)·d (Q4_0), as the references round: no FMA. */
    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        byte[] levels = new byte[BLOCK];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * blockBytes;
            COLUMN_ORDER.toColumnOrder(src, block + header, levels);
            for (int s = 0; s < 8; s++) {
                FloatVector d = FloatVector.broadcast(F, scale(src, block, s));
                FloatVector m = FloatVector.broadcast(F, offsetEight ? 0f : min(src, block, s));
                int out = dstOff + b * BLOCK + 32 * s;
                for (int j = 0; j < 32; j += L) {
                    FloatVector q = toFloat(ByteVector.fromArray(B, levels, 32 * s + j));
                    (offsetEight ? q.sub(EIGHT).mul(d) : q.mul(d).sub(m)).intoArray(dst, out + j);
                }
            }
        }
    }

    /** With float activations (not decode's path, which takes {@link #prepare}d ones): the dequantized row times x. */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotOfDequantized(this, w, offset, x, xOff, n);
    }

    /**
     * Activations for {@link #dot(MemorySegment, long, Activations)}: x quantized to int8 per 32
     * values ({@link Int8Activations}, llama.cpp's Q8_0 rounding), the levels as the pairs the
     * dot multiplies (a[c + 1] + a[c]·2¹⁶, c = {@link #PAIR_COLUMN} of each lane, per 256 values),
     * the scales, and per 32 values scale·Σ levels for the minimums.
     */
    record Activations(int[] pairs, float[] scale, float[] levelSums) {}

    @Override
    public Activations prepare(float[] x, int off, int n) {
        Int8Activations q = Int8Activations.quantize(x, off, n);
        int[] pairs = new int[n / 2];
        for (int b = 0; b < n / BLOCK; b++) {
            for (int i = 0; i < BLOCK / 2; i++) {
                int c = BLOCK * b + PAIR_COLUMN[i];
                pairs[BLOCK / 2 * b + i] = q.pair(c, c + 1);
            }
        }
        float[] levelSums = new float[n / 32];
        for (int s = 0; s < levelSums.length; s++) levelSums[s] = q.scale[s] * q.sum[s];
        return new Activations(pairs, q.scale, levelSums);
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations x) {
        int[] a = x.pairs();
        FloatVector acc = FloatVector.zero(F8), mins = FloatVector.zero(F8);
        for (int b = 0; b < a.length / (BLOCK / 2); b++) {
            long block = offset + (long) b * blockBytes;
            IntVector r0 = IntVector.fromMemorySegment(I16, w, block + header, LE);
            IntVector r1 = IntVector.fromMemorySegment(I16, w, block + header + 64, LE);
            int ab = b * (BLOCK / 2);
            IntVector m = r0.and(PAIR_MASK).mul(IntVector.fromArray(I16, a, ab)).add(LOW_BIAS);
            m = r0.lanewise(VectorOperators.LSHR, 4).and(PAIR_MASK).mul(IntVector.fromArray(I16, a, ab + 16)).add(m);
            m = r0.lanewise(VectorOperators.LSHR, 8).and(PAIR_MASK).mul(IntVector.fromArray(I16, a, ab + 32)).add(m);
            m = r0.lanewise(VectorOperators.LSHR, 12).and(PAIR_MASK).mul(IntVector.fromArray(I16, a, ab + 48)).add(m);
            m = r1.and(PAIR_MASK).mul(IntVector.fromArray(I16, a, ab + 64)).add(m);
            m = r1.lanewise(VectorOperators.LSHR, 4).and(PAIR_MASK).mul(IntVector.fromArray(I16, a, ab + 80)).add(m);
            m = r1.lanewise(VectorOperators.LSHR, 8).and(PAIR_MASK).mul(IntVector.fromArray(I16, a, ab + 96)).add(m);
            m = r1.lanewise(VectorOperators.LSHR, 12).and(PAIR_MASK).mul(IntVector.fromArray(I16, a, ab + 112)).add(m);
            IntVector halves = m.lanewise(VectorOperators.ASHR, 16);
            // lanes s and s + 8 are the two halves of sub-block s
            IntVector sub = ((IntVector) halves.castShape(I8, 0)).add((IntVector) halves.castShape(I8, 1));
            // the eight sub-blocks' scales and minimums: d·sc and dmin·mn (Q4_K), d and 8d (Q4_0)
            FloatVector d8, m8;
            if (offsetEight) {
                d8 = FloatVector.fromMemorySegment(F8, w, block, LE);
                m8 = d8.mul(8f);
            } else {
                d8 = ((FloatVector) ByteVector.fromMemorySegment(B8, w, block + 8, LE).convertShape(VectorOperators.B2F, F8, 0)).mul(w.get(FLOAT, block));
                m8 = ((FloatVector) ByteVector.fromMemorySegment(B8, w, block + 16, LE).convertShape(VectorOperators.B2F, F8, 0)).mul(w.get(FLOAT, block + 4));
            }
            acc = ((FloatVector) sub.convert(VectorOperators.I2F, 0)).fma(d8.mul(FloatVector.fromArray(F8, x.scale(), 8 * b)), acc);
            mins = m8.fma(FloatVector.fromArray(F8, x.levelSums(), 8 * b), mins);
        }
        return acc.reduceLanes(VectorOperators.ADD) - mins.reduceLanes(VectorOperators.ADD);
    }

    /** The scalar decoding of a super-block, each level found by its word and bit: d·sc·q − dmin·mn, or (q − 8)·d. */
    void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        for (int c = 0; c < BLOCK; c++) {
            int s = c / 32;
            int q = (src.get(INT, block + header + 4L * WORD_OF[c]) >>> BIT_OF[c]) & 15;
            float d = scale(src, block, s);
            dst[off + c] = offsetEight ? (q - 8) * d : d * q - min(src, block, s);
        }
    }

    /** Sub-block s's scale: d·sc as the Q4_K reference computes it (fp16 d times the 6-bit sc, exact in float), or Q4_0's d. */
    private float scale(MemorySegment w, long block, int s) {
        return offsetEight ? w.get(FLOAT, block + 4L * s) : w.get(FLOAT, block) * w.get(ValueLayout.JAVA_BYTE, block + 8 + s);
    }

    /** Sub-block s's minimum dmin·mn (Q4_K). */
    private static float min(MemorySegment w, long block, int s) {
        return w.get(FLOAT, block + 4) * w.get(ValueLayout.JAVA_BYTE, block + 16 + s);
    }

    /** The file type's quantization (Q4_K or Q4_0), then this layout's repack: for tests and benchmarks. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        WeightType type = offsetEight ? WeightType.Q4_0 : WeightType.Q4_K;
        long unitBytes = type.bytesFor(BLOCK);
        MemorySegment q = Arena.ofAuto().allocate(n / BLOCK * unitBytes);
        Kernels.of(type).quantize(src, srcOff, q, 0, n);
        byte[] scratch = new byte[BLOCK];
        for (int b = 0; b < n / BLOCK; b++) {
            if (offsetEight) repackQ4_0(q, b * unitBytes, dst, offset + (long) b * blockBytes, scratch);
            else repackQ4_K(q, b * unitBytes, dst, offset + (long) b * blockBytes, scratch);
        }
    }
}
