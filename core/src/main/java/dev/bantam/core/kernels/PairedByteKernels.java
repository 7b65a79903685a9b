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

import static dev.bantam.core.kernels.Blocks.half;
import static dev.bantam.core.kernels.Blocks.toFloat;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.LE;

/**
 * A layout of no file type, made at load by {@link Q6_KRepack} where the CPU has 512-bit vectors:
 * Q6_K's 6-bit levels q (0..63) as a byte each, in the order that lets decode multiply them by
 * int8 activations two products a 32-bit lane per multiply ({@link PairedNibbleKernels} has the
 * arithmetic), then the 16 int8 scales and d as a float. 276 bytes per 256 values, 8.625 bits a
 * value (Q6_K 6.5625; {@link Int8x16Kernels}, the float-activation copy, 10).
 *
 * <p>Lane l of the 16 is group l (16 values, one scale). 64-byte chunk c (c = 0..3) holds in bytes
 * 4l..4l + 3 the levels 4c..4c + 3 of group l, so that one load gives every lane four levels: an
 * and gives the pairs (4c, 4c + 2), a shift and an and (4c + 1, 4c + 3). (A zero-extending 32-byte
 * load per pair, vpmovsxbw, ran about a quarter slower.) With levels up to 63 a product is at most
 * 8,001, so a lane's upper half holds the two pair products of a chunk (32,004) and is shifted out
 * into an int accumulator once per chunk. The levels
 * are stored without their offset of 32, which the dot takes off once per group as 32·Σ activation
 * levels (prepared with the activations). Value d·sc·(q − 32), d·sc exact in float as the Q6_K
 * reference computes it; prefill reads the layout through {@link #dequantize} (byte permutes back
 * into column order), which gives the reference's floats exactly.
 */
final class PairedByteKernels implements WeightKernels, PreparedDot<PairedByteKernels.Activations> {
    static final int BLOCK = 256;
    private static final int GROUP = 16;
    private static final int SC = 256;
    private static final int D = 272;
    static final int BLOCK_BYTES = 276;
    static final PairedByteKernels INSTANCE = new PairedByteKernels();

    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final IntVector LOW_BIAS = IntVector.broadcast(I16, 0x8000);
    /** Bytes 0 and 2 of each lane, as its low and high halves. */
    private static final IntVector EVEN_BYTES = IntVector.broadcast(I16, 0x00FF00FF);
    private static final FloatVector OFFSET = FloatVector.broadcast(F, 32f);

    /** Byte offset in a super-block's levels of level i of group g. */
    static int levelAt(int g, int i) {
        return 64 * (i / 4) + 4 * g + (i % 4);
    }

    /** The four 64-byte level vectors back into column order (column 16g + i from levelAt(g, i)). */
    private static final LevelPermute COLUMN_ORDER;

    static {
        int[] sourceOf = new int[BLOCK];
        for (int c = 0; c < BLOCK; c++) sourceOf[c] = levelAt(c / GROUP, c % GROUP);
        COLUMN_ORDER = new LevelPermute(sourceOf, false);
    }

    private PairedByteKernels() {}

    /** Bytes of {@code n} values (a multiple of {@link #BLOCK}). */
    static long bytesFor(long n) {
        return n / BLOCK * BLOCK_BYTES;
    }

    /** A Q6_K super-block at {@code src[block..]} in this layout at {@code dst[at..]}; {@code levels}: 128 bytes of scratch. */
    static void repackBlock(MemorySegment src, long block, MemorySegment dst, long at, byte[] levels) {
        for (int h = 0; h < 2; h++) {
            Q6_KKernels.unpackHalf(src, block + 64 * h, block + Q6_KKernels.QH + 32 * h, levels);  // q − 32, column order
            for (int c = 0; c < 128; c++) {
                int col = 128 * h + c;
                dst.set(ValueLayout.JAVA_BYTE, at + levelAt(col / GROUP, col % GROUP), (byte) (levels[c] + 32));
            }
        }
        MemorySegment.copy(src, block + Q6_KKernels.SC, dst, at + SC, 16);
        dst.set(FLOAT, at + D, half(src, block + Q6_KKernels.D));
    }

    /** (d·sc)·(q − 32): the reference's two products, each rounded once. */
    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        byte[] levels = new byte[BLOCK];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            COLUMN_ORDER.toColumnOrder(src, block, levels);
            float d = src.get(FLOAT, block + D);
            for (int g = 0; g < 16; g++) {
                FloatVector scale = FloatVector.broadcast(F, d * src.get(ValueLayout.JAVA_BYTE, block + SC + g));
                for (int j = 0; j < GROUP; j += F.length()) {
                    toFloat(ByteVector.fromArray(B, levels, GROUP * g + j)).sub(OFFSET).mul(scale).intoArray(dst, dstOff + b * BLOCK + GROUP * g + j);
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
     * ({@link Int8Activations}); the pairs a[c + 2] + a[c]·2¹⁶ in the order the dot reads them
     * (chunk k, then p = 0, 1, then lane l: c = 16l + 4k + p of each 256); per group of 16, the
     * offset's term 32·Σ a and the activation scale.
     */
    record Activations(int[] pairs, int[] offsetTerms, float[] scales) {}

    @Override
    public Activations prepare(float[] x, int off, int n) {
        Int8Activations q = Int8Activations.quantize(x, off, n);
        int[] pairs = new int[n / 2], offsetTerms = new int[n / GROUP];
        float[] scales = new float[n / GROUP];
        for (int b = 0; b < n / BLOCK; b++) {
            for (int k = 0; k < 4; k++) {
                for (int p = 0; p < 2; p++) {
                    for (int l = 0; l < 16; l++) {
                        int c = BLOCK * b + GROUP * l + 4 * k + p;
                        pairs[BLOCK / 2 * b + 32 * k + 16 * p + l] = q.pair(c, c + 2);
                    }
                }
            }
        }
        for (int g = 0; g < n / GROUP; g++) {
            int sum = 0;
            for (int i = 0; i < GROUP; i++) sum += q.q[GROUP * g + i];
            offsetTerms[g] = 32 * sum;
            scales[g] = q.scale[g / 2];
        }
        return new Activations(pairs, offsetTerms, scales);
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations x) {
        int[] a = x.pairs();
        FloatVector acc = FloatVector.zero(F16);
        for (int b = 0; b < a.length / (BLOCK / 2); b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int ab = b * (BLOCK / 2);
            IntVector sums = IntVector.zero(I16);
            for (int k = 0; k < 4; k++) {
                IntVector v = IntVector.fromMemorySegment(I16, w, block + 64L * k, LE);
                IntVector m = v.and(EVEN_BYTES).mul(IntVector.fromArray(I16, a, ab + 32 * k)).add(LOW_BIAS);
                m = v.lanewise(VectorOperators.LSHR, 8).and(EVEN_BYTES).mul(IntVector.fromArray(I16, a, ab + 32 * k + 16)).add(m);
                sums = sums.add(m.lanewise(VectorOperators.ASHR, 16));
            }
            FloatVector dots = (FloatVector) sums.sub(IntVector.fromArray(I16, x.offsetTerms(), 16 * b)).convert(VectorOperators.I2F, 0);
            FloatVector sc = (FloatVector) ByteVector.fromMemorySegment(B16, w, block + SC, LE).convertShape(VectorOperators.B2F, F16, 0);
            acc = dots.mul(sc).mul(FloatVector.fromArray(F16, x.scales(), 16 * b)).fma(FloatVector.broadcast(F16, w.get(FLOAT, block + D)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** The scalar decoding of a super-block: (d·sc)·(q − 32), each level at {@link #levelAt}. */
    static void decodeBlock(MemorySegment src, long block, float[] dst, int off) {
        float d = src.get(FLOAT, block + D);
        for (int c = 0; c < BLOCK; c++) {
            int q = src.get(ValueLayout.JAVA_BYTE, block + levelAt(c / GROUP, c % GROUP));
            dst[off + c] = d * src.get(ValueLayout.JAVA_BYTE, block + SC + c / GROUP) * (q - 32);
        }
    }

    /** Q6_K's quantization, then this layout's repack of each super-block: for tests and benchmarks. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        MemorySegment q = Arena.ofAuto().allocate(n / BLOCK * (long) WeightType.Q6_K.blockBytes);
        Kernels.of(WeightType.Q6_K).quantize(src, srcOff, q, 0, n);
        byte[] levels = new byte[128];
        for (int b = 0; b < n / BLOCK; b++) repackBlock(q, (long) b * WeightType.Q6_K.blockBytes, dst, offset + (long) b * BLOCK_BYTES, levels);
    }
}
