package dev.bantam.core.kernels;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Q6_K repacked into {@link Int8x16Kernels}' layout against Q6_K's scalar reference
 * ({@link Q6_KKernels#decodeBlock}): every value exactly, since the float scale d·sc and the
 * level times it round as the reference's d·sc·(q − 32) does; the dots within 1e-5 of Σ|w·x|,
 * the rounding any float summation order makes (as {@link QuantizedKernelsTest}). Rows of many
 * lengths, at unaligned offsets, with activations at an offset, on blocks of random bytes (every
 * level, every int8 scale down to −128, fp16 d of every finite exponent) and on llama.cpp's rows.
 */
class Q6_KRepackTest {
    private static final WeightType Q6 = WeightType.Q6_K;

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** Random bytes for each super-block, its fp16 d forced finite (exponent below 31). */
    private static void randomBlocks(Random random, MemorySegment seg, long off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long block = off + (long) b * Q6.blockBytes;
            for (int i = 0; i < Q6.blockBytes; i++) seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, block + i, (byte) random.nextInt());
            short d = (short) random.nextInt();
            if ((d & 0x7C00) == 0x7C00) d ^= 0x4000;
            seg.set(Blocks.SHORT, block + 208, d);
        }
    }

    private static float[] reference(TensorView t, int r) {
        float[] ref = new float[t.cols()];
        Blocks.dequantizeByBlocks(Q6_KKernels::decodeBlock, Q6.blockSize, Q6.blockBytes, t.data(), r * t.rowBytes(), ref, 0, t.cols());
        return ref;
    }

    /** Every row of {@code t} repacked: dequantize (vector and scalar) exactly, dot and matvec within the float-sum tolerance. */
    private static void checkMatrix(ThreadPool pool, TensorView t, float[] x, int xOff, String what) {
        WeightMatrix m = Q6_KRepack.repack(pool, t);
        assertThat(m.kernels()).isInstanceOf(Int8x16Kernels.class);
        assertThat(m.data().byteSize()).isEqualTo(Q6_KRepack.bytes(t)).isEqualTo(t.elements() * 10 / 8);
        int n = t.cols();
        float[] out = new float[t.rows()];
        MatMul.matvec(pool, m, x, xOff, out, 0);
        for (int r = 0; r < t.rows(); r++) {
            String row = "%s row %d of %d, n=%d, xOff=%d".formatted(what, r, t.rows(), n, xOff);
            float[] ref = reference(t, r), vec = new float[n], scalar = new float[n];
            m.kernels().dequantize(m.data(), r * m.rowBytes(), vec, 0, n);
            Int8x16Kernels.scalarDequantize(m.data(), r * m.rowBytes(), scalar, 0, n);
            assertThat(vec).as("%s: dequantize", row).containsExactly(ref);
            assertThat(scalar).as("%s: scalar dequantize", row).containsExactly(ref);
            double want = 0, abs = 0;
            for (int i = 0; i < n; i++) {
                want += (double) ref[i] * x[xOff + i];
                abs += Math.abs((double) ref[i] * x[xOff + i]);
            }
            double tol = 1e-5 * abs + 1e-30;
            assertThat((double) m.kernels().dot(m.data(), r * m.rowBytes(), x, xOff, n)).as("%s: dot", row).isCloseTo(want, within(tol));
            assertThat((double) Int8x16Kernels.scalarDot(m.data(), r * m.rowBytes(), x, xOff, n)).as("%s: scalar dot", row).isCloseTo(want, within(tol));
            assertThat((double) out[r]).as("%s: matvec", row).isCloseTo(want, within(tol));
        }
    }

    @Test
    void randomBlocksOverManyLengthsAndOffsets() {
        assertThat(600L * 2 * Q6.blockSize).isGreaterThan(ThreadPool.MIN_PARALLEL_WORK);
        Random random = new Random(14);
        try (Arena arena = Arena.ofShared(); ThreadPool pool = new ThreadPool(2)) {
            for (int trial = 0; trial < 60; trial++) {
                // the last trial is large enough for the repack and the matvec to split rows over the pool
                boolean large = trial == 59;
                int blocks = large ? 2 : 1 + random.nextInt(23), rows = large ? 600 : 1 + random.nextInt(9), xOff = random.nextInt(40);
                int n = blocks * Q6.blockSize;
                long off = random.nextInt(8);
                MemorySegment seg = arena.allocate(off + rows * Q6.bytesFor(n));
                randomBlocks(random, seg, off, rows * blocks);
                TensorView t = new TensorView("w", Q6, new long[] {n, rows}, seg.asSlice(off));
                checkMatrix(pool, t, gaussian(random, xOff + n), xOff, "random bytes, byte offset " + off);
            }
        }
    }

    @Test
    void llamaCppRowsOfTheFixture() throws Exception {
        try (GgufFile f = GgufFile.open(Fixtures.path("tiny/llama-256/llama-256-q6_k.gguf")); ThreadPool pool = new ThreadPool(2)) {
            int tensors = 0;
            for (TensorView v : f.tensorViews().values()) {
                if (v.type() != Q6 || !v.name().startsWith("blk.0.")) continue;
                checkMatrix(pool, v, gaussian(new Random(v.name().hashCode()), v.cols() + 3), 3, v.name());
                tensors++;
            }
            assertThat(tensors).as("Q6_K tensors of blk.0").isPositive();
        }
    }

    /**
     * The prefill path: {@link MatMul#matmul} over tokens decodes rows with the layout's
     * dequantize, which is exact, so the repacked matrix gives the same floats as the mapped one.
     */
    @Test
    void prefillProductEqualsTheMappedMatrixExactly() {
        Random random = new Random(7);
        try (Arena arena = Arena.ofShared(); ThreadPool pool = new ThreadPool(2)) {
            int n = 3 * Q6.blockSize, rows = 37, tokens = 45;
            MemorySegment seg = arena.allocate(rows * Q6.bytesFor(n));
            float[] w = new float[n];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < n; i++) w[i] = (float) random.nextGaussian() * (0.01f + r * 0.1f);
                Kernels.of(Q6).quantize(w, 0, seg, r * Q6.bytesFor(n), n);
            }
            TensorView t = new TensorView("w", Q6, new long[] {n, rows}, seg);
            float[] x = gaussian(random, tokens * n), mapped = new float[tokens * rows], repacked = new float[tokens * rows];
            MatMul.matmul(pool, t, x, tokens, mapped);
            MatMul.matmul(pool, Q6_KRepack.repack(pool, t), x, tokens, repacked);
            assertThat(repacked).containsExactly(mapped);
        }
    }

    /** The layout's own encoder, as benchmarks use it: unaligned rows, dot against dequantize, round-trip error of an int8 scale per 16. */
    @Test
    void int8x16QuantizeRoundTripsAndItsDotMatchesAtUnalignedOffsets() {
        Random random = new Random(3);
        Int8x16Kernels k = new Int8x16Kernels();
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 40; trial++) {
                int n = Int8x16Kernels.BLOCK * (1 + random.nextInt(100)), xOff = random.nextInt(20);
                long off = random.nextInt(5);
                float[] w = gaussian(random, n), x = gaussian(random, xOff + n), back = new float[n];
                MemorySegment seg = arena.allocate(off + Int8x16Kernels.bytesFor(n));
                k.quantize(w, 0, seg, off, n);
                k.dequantize(seg, off, back, 0, n);
                double se = 0, want = 0, abs = 0;
                for (int i = 0; i < n; i++) {
                    se += (double) (back[i] - w[i]) * (back[i] - w[i]);
                    want += (double) back[i] * x[xOff + i];
                    abs += Math.abs((double) back[i] * x[xOff + i]);
                }
                assertThat(Math.sqrt(se / n)).as("n=%d RMSE", n).isLessThan(0.01);
                assertThat((double) k.dot(seg, off, x, xOff, n)).as("n=%d off=%d dot", n, off).isCloseTo(want, within(1e-5 * abs + 1e-30));
            }
        }
    }
}
