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
 * Q4_K with its scales apart ({@link Q4_KSplitKernels}) against Q4_K's scalar reference
 * ({@link Q4_KKernels#decodeBlock}): every value exactly, since d·sc and dmin·mn are exact in
 * float and the value is then the reference's d·sc·q − dmin·mn; the dots within 1e-5 of Σ|w·x|
 * (the rounding of any float summation order). Random bytes (every nibble, every 6-bit scale and
 * min, fp16 d and dmin of every finite exponent) over many lengths and offsets, and llama.cpp's rows.
 */
class Q4_KRepackTest {
    private static final WeightType Q4 = WeightType.Q4_K;

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** Random bytes for each super-block, its fp16 d and dmin forced finite (exponent below 31). */
    private static void randomBlocks(Random random, MemorySegment seg, long off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long block = off + (long) b * Q4.blockBytes;
            for (int i = 0; i < Q4.blockBytes; i++) seg.set(ValueLayout.JAVA_BYTE, block + i, (byte) random.nextInt());
            for (int at = 0; at <= 2; at += 2) {
                short d = (short) random.nextInt();
                if ((d & 0x7C00) == 0x7C00) d ^= 0x4000;
                seg.set(Blocks.SHORT, block + at, d);
            }
        }
    }

    private static float[] reference(TensorView t, int r) {
        float[] ref = new float[t.cols()];
        Blocks.dequantizeByBlocks(Q4_KKernels::decodeBlock, Q4.blockSize, Q4.blockBytes, t.data(), r * t.rowBytes(), ref, 0, t.cols());
        return ref;
    }

    /** Every row of {@code t} repacked: dequantize (vector and scalar) exactly, dot and matvec within the float-sum tolerance. */
    private static void checkMatrix(ThreadPool pool, TensorView t, float[] x, int xOff, String what) {
        WeightMatrix m = Q4_KRepack.repack(pool, t);
        assertThat(m.kernels()).isInstanceOf(Q4_KSplitKernels.class);
        assertThat(m.data().byteSize()).isEqualTo(Q4_KRepack.bytes(t)).isEqualTo(t.elements() * 6 / 8);
        int n = t.cols();
        float[] out = new float[t.rows()];
        MatMul.matvec(pool, m, x, xOff, out, 0);
        for (int r = 0; r < t.rows(); r++) {
            String row = "%s row %d of %d, n=%d, xOff=%d".formatted(what, r, t.rows(), n, xOff);
            float[] ref = reference(t, r), vec = new float[n], scalar = new float[n];
            m.kernels().dequantize(m.data(), r * m.rowBytes(), vec, 0, n);
            Blocks.dequantizeByBlocks(Q4_KSplitKernels::decodeBlock, 256, Q4_KSplitKernels.BLOCK_BYTES, m.data(), r * m.rowBytes(), scalar, 0, n);
            assertThat(vec).as("%s: dequantize", row).containsExactly(ref);
            assertThat(scalar).as("%s: scalar dequantize", row).containsExactly(ref);
            double want = 0, abs = 0;
            for (int i = 0; i < n; i++) {
                want += (double) ref[i] * x[xOff + i];
                abs += Math.abs((double) ref[i] * x[xOff + i]);
            }
            double tol = 1e-5 * abs + 1e-30;
            assertThat((double) m.kernels().dot(m.data(), r * m.rowBytes(), x, xOff, n)).as("%s: dot", row).isCloseTo(want, within(tol));
            assertThat((double) Blocks.dotByBlocks(Q4_KSplitKernels::decodeBlock, 256, Q4_KSplitKernels.BLOCK_BYTES, m.data(), r * m.rowBytes(), x, xOff, n))
                    .as("%s: scalar dot", row).isCloseTo(want, within(tol));
            assertThat((double) out[r]).as("%s: matvec", row).isCloseTo(want, within(tol));
        }
    }

    @Test
    void randomBlocksOverManyLengthsAndOffsets() {
        assertThat(600L * 2 * Q4.blockSize).isGreaterThan(ThreadPool.MIN_PARALLEL_WORK);
        Random random = new Random(14);
        try (Arena arena = Arena.ofShared(); ThreadPool pool = new ThreadPool(2)) {
            for (int trial = 0; trial < 60; trial++) {
                // the last trial is large enough for the repack and the matvec to split rows over the pool
                boolean large = trial == 59;
                int blocks = large ? 2 : 1 + random.nextInt(23), rows = large ? 600 : 1 + random.nextInt(9), xOff = random.nextInt(40);
                int n = blocks * Q4.blockSize;
                long off = random.nextInt(8);
                MemorySegment seg = arena.allocate(off + rows * Q4.bytesFor(n));
                randomBlocks(random, seg, off, rows * blocks);
                TensorView t = new TensorView("w", Q4, new long[] {n, rows}, seg.asSlice(off));
                checkMatrix(pool, t, gaussian(random, xOff + n), xOff, "random bytes, byte offset " + off);
            }
        }
    }

    @Test
    void llamaCppRowsOfTheFixture() throws Exception {
        try (GgufFile f = GgufFile.open(Fixtures.path("tiny/llama-256/llama-256-q4_k.gguf")); ThreadPool pool = new ThreadPool(2)) {
            int tensors = 0;
            for (TensorView v : f.tensorViews().values()) {
                if (v.type() != Q4 || !v.name().startsWith("blk.0.")) continue;
                checkMatrix(pool, v, gaussian(new Random(v.name().hashCode()), v.cols() + 3), 3, v.name());
                tensors++;
            }
            assertThat(tensors).as("Q4_K tensors of blk.0").isPositive();
        }
    }

    /** The prefill path decodes rows with the layout's dequantize, which is exact: the same floats as the mapped matrix. */
    @Test
    void prefillProductEqualsTheMappedMatrixExactly() {
        Random random = new Random(7);
        try (Arena arena = Arena.ofShared(); ThreadPool pool = new ThreadPool(2)) {
            int n = 3 * Q4.blockSize, rows = 37, tokens = 45;
            MemorySegment seg = arena.allocate(rows * Q4.bytesFor(n));
            float[] w = new float[n];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < n; i++) w[i] = (float) random.nextGaussian() * (0.01f + r * 0.1f);
                Kernels.of(Q4).quantize(w, 0, seg, r * Q4.bytesFor(n), n);
            }
            TensorView t = new TensorView("w", Q4, new long[] {n, rows}, seg);
            float[] x = gaussian(random, tokens * n), mapped = new float[tokens * rows], repacked = new float[tokens * rows];
            MatMul.matmul(pool, t, x, tokens, mapped);
            MatMul.matmul(pool, Q4_KRepack.repack(pool, t), x, tokens, repacked);
            assertThat(repacked).containsExactly(mapped);
        }
    }
}
