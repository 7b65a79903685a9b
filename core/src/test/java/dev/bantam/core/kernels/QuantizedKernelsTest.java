package dev.bantam.core.kernels;

import dev.bantam.testing.Fixtures;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The block-quantized types: vector dot against dequantize-then-dot and against the scalar
 * reference, on the llama.cpp-written fixtures and on data we quantize ourselves; quantize →
 * dequantize error on Gaussian data; and re-quantizing llama.cpp's blocks.
 */
class QuantizedKernelsTest {
    private static final String DIR = "tiny/llama-256/";

    /** The types with a scalar reference dot besides the vector one. */
    private static float scalarDot(WeightType t, MemorySegment w, long off, float[] x, int xOff, int n) {
        return switch (t) {
            case Q4_0 -> Q4_0Kernels.scalarDot(w, off, x, xOff, n);
            case Q4_1 -> Q4_1Kernels.scalarDot(w, off, x, xOff, n);
            case Q5_0 -> Q5_0Kernels.scalarDot(w, off, x, xOff, n);
            case Q5_1 -> Q5_1Kernels.scalarDot(w, off, x, xOff, n);
            case Q4_K -> Q4_KKernels.scalarDot(w, off, x, xOff, n);
            case Q5_K -> Q5_KKernels.scalarDot(w, off, x, xOff, n);
            case Q6_K -> Q6_KKernels.scalarDot(w, off, x, xOff, n);
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    private static Blocks.BlockDecoder decoder(WeightType t) {
        return switch (t) {
            case Q4_0 -> Q4_0Kernels::decodeBlock;
            case Q4_1 -> Q4_1Kernels::decodeBlock;
            case Q5_0 -> Q5_0Kernels::decodeBlock;
            case Q5_1 -> Q5_1Kernels::decodeBlock;
            case Q4_K -> Q4_KKernels::decodeBlock;
            case Q5_K -> Q5_KKernels::decodeBlock;
            case Q6_K -> Q6_KKernels::decodeBlock;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    private static float[] gaussian(long seed, int n, float sigma) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * sigma;
        return x;
    }

    /**
     * Checks one row: the vector dot and the scalar dot against Σ w·x over the dequantized row in
     * double. Relative 1e-5 of Σ|w·x|, the scale of the rounding any float summation order makes
     * (a plain relative bound would fail on rows whose dot happens to cancel to near zero).
     */
    private static void checkRow(WeightType t, MemorySegment data, long off, float[] x, int n, String what) {
        float[] w = new float[n];
        Kernels.of(t).dequantize(data, off, w, 0, n);
        float[] scalarW = new float[n];
        Blocks.dequantizeByBlocks(decoder(t), t.blockSize, t.blockBytes, data, off, scalarW, 0, n);
        assertThat(w).as("%s vector dequantize = scalar", what).containsExactly(scalarW);
        double ref = 0, abs = 0;
        for (int i = 0; i < n; i++) {
            ref += (double) w[i] * x[i];
            abs += Math.abs((double) w[i] * x[i]);
        }
        double tol = 1e-5 * abs + 1e-30;
        assertThat((double) Kernels.of(t).dot(data, off, x, 0, n)).as("%s vector dot", what).isCloseTo(ref, org.assertj.core.api.Assertions.within(tol));
        assertThat((double) scalarDot(t, data, off, x, 0, n)).as("%s scalar dot", what).isCloseTo(ref, org.assertj.core.api.Assertions.within(tol));
    }

    private static List<TensorView> blockZeroTensors(GgufFile f, WeightType t) {
        List<TensorView> out = new ArrayList<>();
        for (TensorView v : f.tensorViews().values()) if (v.name().startsWith("blk.0.") && v.type() == t) out.add(v);
        assertThat(out).as("blk.0 tensors of type %s", t).isNotEmpty();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"q4_0", "q4_1", "q5_0", "q5_1", "q4_k", "q5_k", "q6_k"})
    void dotEqualsDequantizedDotOnEveryRowOfTheFixtures(String type) throws Exception {
        WeightType t = WeightType.valueOf(type.toUpperCase());
        try (GgufFile f = GgufFile.open(Fixtures.path(DIR + "llama-256-" + type + ".gguf"))) {
            int rows = 0;
            for (TensorView v : blockZeroTensors(f, t)) {
                float[] x = gaussian(v.name().hashCode(), v.cols(), 1f);
                for (int r = 0; r < v.rows(); r++, rows++) checkRow(t, v.data(), r * v.rowBytes(), x, v.cols(), v.name() + " row " + r);
            }
            System.out.printf("%s: dot checked on %d fixture rows (vector lanes %d)%n", t, rows, Vec.L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void dotEqualsDequantizedDotOnRandomDataWeQuantize(String type) {
        WeightType t = WeightType.valueOf(type);
        int n = 2048;
        try (Arena arena = Arena.ofConfined()) {
            for (int r = 0; r < 32; r++) {
                // varied scales and offsets, so that mins and signs of every kind appear
                float[] w = gaussian(100 + r, n, 0.01f + r * 0.3f);
                for (int i = 0; i < n; i++) w[i] += (r % 3 - 1) * 0.5f * (r * 0.3f);
                MemorySegment seg = arena.allocate(t.bytesFor(n) + 3);
                long off = r % 4; // unaligned rows too
                Kernels.of(t).quantize(w, 0, seg, off, n);
                checkRow(t, seg, off, gaussian(200 + r, n, 1f), n, "random row " + r);
            }
        }
    }

    /**
     * Lucene-style: rows of many lengths (1 to 23 super-blocks or 8 to 190 blocks), at unaligned
     * byte offsets and with the activations at an offset, against the scalar reference: the
     * vector dequantize exactly, the vector dot and the matvec (which takes {@link SummedDot}
     * where the type has it) within the rounding of a float sum.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void everyPathMatchesTheScalarReferenceOverManyLengths(String type) {
        WeightType t = WeightType.valueOf(type);
        Random random = new Random(type.hashCode());
        try (Arena arena = Arena.ofConfined(); ThreadPool pool = new ThreadPool(2)) {
            for (int trial = 0; trial < 40; trial++) {
                int n = t.blockSize * (1 + random.nextInt(t.blockSize == 256 ? 23 : 190));
                int rows = 1 + random.nextInt(5), xOff = random.nextInt(40);
                long rowBytes = t.bytesFor(n), off = random.nextInt(8);
                MemorySegment seg = arena.allocate(off + rows * rowBytes);
                for (int r = 0; r < rows; r++) {
                    float[] w = gaussian(random.nextLong(), n, 0.01f + random.nextFloat());
                    float shift = (random.nextFloat() - 0.5f) * w[0] * 8;
                    for (int i = 0; i < n; i++) w[i] += shift; // offsets of both signs, so K-quant mins matter
                    Kernels.of(t).quantize(w, 0, seg, off + r * rowBytes, n);
                }
                float[] x = gaussian(random.nextLong(), xOff + n, 1f);
                float[] out = new float[rows];
                MatMul.matvec(pool, new TensorView("w", t, new long[] {n, rows}, seg.asSlice(off)), x, xOff, out, 0);
                for (int r = 0; r < rows; r++) {
                    long at = off + r * rowBytes;
                    String what = "%s n=%d row %d xOff=%d byte offset %d".formatted(t, n, r, xOff, off);
                    float[] vec = new float[n], ref = new float[n];
                    Kernels.of(t).dequantize(seg, at, vec, 0, n);
                    Blocks.dequantizeByBlocks(decoder(t), t.blockSize, t.blockBytes, seg, at, ref, 0, n);
                    assertThat(vec).as("%s: dequantize", what).containsExactly(ref);
                    double abs = 0;
                    for (int i = 0; i < n; i++) abs += Math.abs((double) ref[i] * x[xOff + i]);
                    double want = scalarDot(t, seg, at, x, xOff, n), tol = 1e-5 * abs + 1e-30;
                    assertThat((double) Kernels.of(t).dot(seg, at, x, xOff, n)).as("%s: dot", what).isCloseTo(want, within(tol));
                    assertThat((double) out[r]).as("%s: matvec", what).isCloseTo(want, within(tol));
                }
            }
        }
    }

    /**
     * RMSE of quantize → dequantize on N(0, 1) data. The bounds are ~15% above what these
     * quantizers give (they reproduce llama.cpp's blocks, see below), and near the uniform-noise
     * estimate step/√12 with step ≈ 2.4σ/levels for 32-value blocks (Q8_0: 0.0055σ, Q4_0: 0.085σ).
     */
    @Test
    void roundTripErrorOnGaussianData() {
        Map<WeightType, Double> bound = new LinkedHashMap<>();
        bound.put(WeightType.Q8_0, 0.0062);
        bound.put(WeightType.Q6_K, 0.0205);
        bound.put(WeightType.Q5_1, 0.0436);
        bound.put(WeightType.Q5_K, 0.0416);
        bound.put(WeightType.Q5_0, 0.049);
        bound.put(WeightType.Q4_1, 0.090);
        bound.put(WeightType.Q4_K, 0.082);
        bound.put(WeightType.Q4_0, 0.099);
        int n = 256 * 1024;
        float[] x = gaussian(7, n, 1f);
        Map<WeightType, Double> rmse = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            for (WeightType t : bound.keySet()) {
                MemorySegment seg = arena.allocate(t.bytesFor(n));
                Kernels.of(t).quantize(x, 0, seg, 0, n);
                float[] y = new float[n];
                Kernels.of(t).dequantize(seg, 0, y, 0, n);
                double se = 0;
                for (int i = 0; i < n; i++) se += (double) (y[i] - x[i]) * (y[i] - x[i]);
                rmse.put(t, Math.sqrt(se / n));
                System.out.printf("round trip RMSE %-5s %.5f σ (bound %.4f)%n", t, rmse.get(t), bound.get(t));
            }
        }
        for (WeightType t : bound.keySet()) assertThat(rmse.get(t)).as("%s RMSE", t).isLessThan(bound.get(t));
        // the K-quants' scale searches must beat the plain formats of the same width
        assertThat(rmse.get(WeightType.Q4_K)).isLessThan(rmse.get(WeightType.Q4_1));
        assertThat(rmse.get(WeightType.Q5_K)).isLessThan(rmse.get(WeightType.Q5_1));
        assertThat(rmse.get(WeightType.Q6_K)).isLessThan(rmse.get(WeightType.Q5_K) / 1.8);
    }

    /**
     * Dequantized llama.cpp blocks, quantized again, give back the original bytes: exactly for the
     * formats whose scale is a function of the block's extremes; the K-quants' iterative searches
     * need not land on the same scales, so for them the share of identical blocks is reported and
     * bounded.
     */
    @ParameterizedTest
    @ValueSource(strings = {"q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q4_k", "q5_k", "q6_k"})
    void requantizingTheFixturesReproducesTheirBlocks(String type) throws Exception {
        WeightType t = WeightType.valueOf(type.toUpperCase());
        boolean exact = t.blockSize == 32;
        try (GgufFile f = GgufFile.open(Fixtures.path(DIR + "llama-256-" + type + ".gguf")); Arena arena = Arena.ofConfined()) {
            long blocks = 0, sameBlocks = 0, bytes = 0, sameBytes = 0;
            double maxDiff = 0, maxAbs = 0;
            for (TensorView v : blockZeroTensors(f, t)) {
                float[] row = new float[v.cols()], again = new float[v.cols()];
                MemorySegment seg = arena.allocate(v.rowBytes());
                for (int r = 0; r < v.rows(); r++) {
                    Kernels.dequantizeRow(v, r, row);
                    Kernels.of(t).quantize(row, 0, seg, 0, v.cols());
                    MemorySegment orig = v.data().asSlice(r * v.rowBytes(), v.rowBytes());
                    for (long b = 0; b < v.rowBytes() / t.blockBytes; b++) {
                        MemorySegment o = orig.asSlice(b * t.blockBytes, t.blockBytes), q = seg.asSlice(b * t.blockBytes, t.blockBytes);
                        blocks++;
                        if (o.mismatch(q) < 0) sameBlocks++;
                        for (long i = 0; i < t.blockBytes; i++) if (o.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) == q.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i)) sameBytes++;
                        bytes += t.blockBytes;
                    }
                    Kernels.of(t).dequantize(seg, 0, again, 0, v.cols());
                    for (int c = 0; c < row.length; c++) {
                        maxDiff = Math.max(maxDiff, Math.abs(again[c] - row[c]));
                        maxAbs = Math.max(maxAbs, Math.abs(row[c]));
                    }
                }
            }
            System.out.printf("requantize %s: %d/%d blocks identical (%.2f%%), %.3f%% of bytes, max |Δ| after dequantize %.3g (max |w| %.3g)%n",
                    t, sameBlocks, blocks, 100.0 * sameBlocks / blocks, 100.0 * sameBytes / bytes, maxDiff, maxAbs);
            if (exact) assertThat(sameBlocks).as("%s identical blocks", t).isEqualTo(blocks);
            else assertThat((double) sameBlocks / blocks).as("%s identical blocks", t).isGreaterThan(0.5);
        }
    }
}
