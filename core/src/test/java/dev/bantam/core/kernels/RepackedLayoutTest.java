package dev.bantam.core.kernels;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The checks every load-time repack of a file type passes against that type's scalar reference
 * ({@code decodeBlock} of its kernels): every value exactly; the dots within 1e-5 of Σ|w·x|, the
 * rounding any float summation order makes (as {@link QuantizedKernelsTest}); the prefill product
 * bit for bit. Rows of many lengths, at unaligned byte offsets, with activations at an offset, on
 * blocks of random bytes (fp16 scales forced finite) and on llama.cpp's rows of the fixture. A
 * subclass names the type, its repack and the repacked layout's scalar code. A layout that
 * multiplies prepared (int8) activations ({@link PreparedDot}) is held to the same 1e-5 against
 * the values those activations stand for: its integer arithmetic must be exact, so only the
 * final float scaling may round; the matvec, which takes that path, too.
 */
abstract class RepackedLayoutTest {
    /** The file type repacked. */
    abstract WeightType type();

    abstract WeightMatrix repack(ThreadPool pool, TensorView t);

    /** Bytes of the copy, as the repack reports them. */
    abstract long repackedBytes(TensorView t);

    /** Bits a value takes in the copy. */
    abstract double bitsPerValue();

    abstract Class<? extends WeightKernels> repackedKernels();

    /** The file type's scalar decode of one super-block. */
    abstract Blocks.BlockDecoder reference();

    /** The repacked layout's scalar dequantize and dot, beside its vector kernels. */
    abstract void scalarDequantize(MemorySegment src, long offset, float[] dst, int n);

    abstract float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n);

    /** Byte offsets of a super-block's fp16 scales, which random bytes must leave finite. */
    abstract int[] fp16Scales();

    /** Values the layout rewrites at a time, which rows are whole multiples of: the type's block unless the layout groups several. */
    int unit() {
        return type().blockSize;
    }

    static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** Random bytes for each super-block, its fp16 scales forced finite (exponent below 31). */
    private void randomBlocks(Random random, MemorySegment seg, long off, int blocks) {
        WeightType type = type();
        for (int b = 0; b < blocks; b++) {
            long block = off + (long) b * type.blockBytes;
            for (int i = 0; i < type.blockBytes; i++) seg.set(ValueLayout.JAVA_BYTE, block + i, (byte) random.nextInt());
            for (int at : fp16Scales()) {
                short d = (short) random.nextInt();
                if ((d & 0x7C00) == 0x7C00) d ^= 0x4000;
                seg.set(Blocks.SHORT, block + at, d);
            }
        }
    }

    private float[] referenceRow(TensorView t, int r) {
        float[] ref = new float[t.cols()];
        Blocks.dequantizeByBlocks(reference(), type().blockSize, type().blockBytes, t.data(), r * t.rowBytes(), ref, 0, t.cols());
        return ref;
    }

    /** Every row of {@code t} repacked: dequantize (vector and scalar) exactly, dot and matvec within the float-sum tolerance. */
    private void checkMatrix(ThreadPool pool, TensorView t, float[] x, int xOff, String what) {
        WeightMatrix m = repack(pool, t);
        assertThat(m.kernels()).isInstanceOf(repackedKernels());
        assertThat(m.data().byteSize()).isEqualTo(repackedBytes(t)).isEqualTo((long) (t.elements() * bitsPerValue() / 8));
        int n = t.cols();
        float[] out = new float[t.rows()];
        MatMul.matvec(pool, m, x, xOff, out, 0);
        for (int r = 0; r < t.rows(); r++) {
            String row = "%s row %d of %d, n=%d, xOff=%d".formatted(what, r, t.rows(), n, xOff);
            float[] ref = referenceRow(t, r), vec = new float[n], scalar = new float[n];
            m.kernels().dequantize(m.data(), r * m.rowBytes(), vec, 0, n);
            scalarDequantize(m.data(), r * m.rowBytes(), scalar, n);
            assertThat(vec).as("%s: dequantize", row).containsExactly(ref);
            assertThat(scalar).as("%s: scalar dequantize", row).containsExactly(ref);
            double want = 0, abs = 0;
            for (int i = 0; i < n; i++) {
                want += (double) ref[i] * x[xOff + i];
                abs += Math.abs((double) ref[i] * x[xOff + i]);
            }
            double tol = 1e-5 * abs + 1e-30;
            assertThat((double) m.kernels().dot(m.data(), r * m.rowBytes(), x, xOff, n)).as("%s: dot", row).isCloseTo(want, within(tol));
            assertThat((double) scalarDot(m.data(), r * m.rowBytes(), x, xOff, n)).as("%s: scalar dot", row).isCloseTo(want, within(tol));
            if (m.kernels() instanceof PreparedDot<?> prepared) {
                float[] stands = Int8Activations.quantize(x, xOff, n).values();
                double wantQ = 0, absQ = 0;
                for (int i = 0; i < n; i++) {
                    wantQ += (double) ref[i] * stands[i];
                    absQ += Math.abs((double) ref[i] * stands[i]);
                }
                double tolQ = 1e-5 * absQ + 1e-30;
                assertThat((double) preparedDot(prepared, m, r, x, xOff)).as("%s: int8 dot", row).isCloseTo(wantQ, within(tolQ));
                assertThat((double) out[r]).as("%s: matvec (int8)", row).isCloseTo(wantQ, within(tolQ));
            } else {
                assertThat((double) out[r]).as("%s: matvec", row).isCloseTo(want, within(tol));
            }
        }
    }

    private static <A> float preparedDot(PreparedDot<A> k, WeightMatrix m, int r, float[] x, int xOff) {
        return k.dot(m.data(), r * m.rowBytes(), k.prepare(x, xOff, m.cols()));
    }

    @Test
    void randomBlocksOverManyLengthsAndOffsets() {
        WeightType type = type();
        assertThat(600L * 2 * unit()).isGreaterThan(ThreadPool.MIN_PARALLEL_WORK);
        Random random = new Random(14);
        try (Arena arena = Arena.ofShared(); ThreadPool pool = new ThreadPool(2)) {
            for (int trial = 0; trial < 60; trial++) {
                // the last trial is large enough for the repack and the matvec to split rows over the pool
                boolean large = trial == 59;
                int units = large ? 2 : 1 + random.nextInt(23), rows = large ? 600 : 1 + random.nextInt(9), xOff = random.nextInt(40);
                int n = units * unit();
                long off = random.nextInt(8);
                MemorySegment seg = arena.allocate(off + rows * type.bytesFor(n));
                randomBlocks(random, seg, off, rows * (n / type.blockSize));
                TensorView t = new TensorView("w", type, new long[] {n, rows}, seg.asSlice(off));
                checkMatrix(pool, t, gaussian(random, xOff + n), xOff, "random bytes, byte offset " + off);
            }
        }
    }

    @Test
    void llamaCppRowsOfTheFixture() throws Exception {
        WeightType type = type();
        String file = "tiny/llama-256/llama-256-" + type.name().toLowerCase(java.util.Locale.ROOT) + ".gguf";
        try (GgufFile f = GgufFile.open(Fixtures.path(file)); ThreadPool pool = new ThreadPool(2)) {
            int tensors = 0;
            for (TensorView v : f.tensorViews().values()) {
                if (v.type() != type || !v.name().startsWith("blk.0.")) continue;
                checkMatrix(pool, v, gaussian(new Random(v.name().hashCode()), v.cols() + 3), 3, v.name());
                tensors++;
            }
            assertThat(tensors).as(type + " tensors of blk.0").isPositive();
        }
    }

    /**
     * The prefill path: {@link MatMul#matmul} over tokens decodes rows with the layout's
     * dequantize, which is exact, so the repacked matrix gives the same floats as the mapped one.
     */
    @Test
    void prefillProductEqualsTheMappedMatrixExactly() {
        WeightType type = type();
        Random random = new Random(7);
        try (Arena arena = Arena.ofShared(); ThreadPool pool = new ThreadPool(2)) {
            int n = 3 * unit(), rows = 37, tokens = 45;
            MemorySegment seg = arena.allocate(rows * type.bytesFor(n));
            float[] w = new float[n];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < n; i++) w[i] = (float) random.nextGaussian() * (0.01f + r * 0.1f);
                Kernels.of(type).quantize(w, 0, seg, r * type.bytesFor(n), n);
            }
            TensorView t = new TensorView("w", type, new long[] {n, rows}, seg);
            float[] x = gaussian(random, tokens * n), mapped = new float[tokens * rows], repacked = new float[tokens * rows];
            MatMul.matmul(pool, t, x, tokens, mapped);
            MatMul.matmul(pool, repack(pool, t), x, tokens, repacked);
            assertThat(repacked).containsExactly(mapped);
        }
    }
}
