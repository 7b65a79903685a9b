package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;

/**
 * Matrix products of a stored weight matrix (rows = outputs) with float32 activations, split
 * over output rows on the pool. Decode uses the per-type dot kernel straight from the mapped
 * file; prefill dequantizes weight rows once per tile of tokens and multiplies them with the
 * transposed activations of the whole tile in a register-blocked kernel.
 */
public final class MatMul {
    /** Floats of transposed activations per token tile (512 KiB): the tile stays in L2 while the weights stream past. */
    private static final int TILE_FLOATS = 128 * 1024;
    private static final int MAX_TILE_TOKENS = 256;
    /** Below this many tokens of a small matrix, one matvec per token beats the padded prefill tile. */
    private static final int SMALL_TOKENS = 8;

    private MatMul() {}

    /**
     * Whether decode multiplies int8-quantized activations where the weight type has an
     * {@link Int8Dot} (as llama.cpp does). Off unless {@code -Dbantam.int8=true}: measured on AMD
     * EPYC (Zen 4) with JMH, the Vector API integer path (no widening multiply-add to reach
     * vpmaddwd/vpdpbusd, so the pair sums cost two shifts and an add) is no faster than the float
     * path for Q4_K and slower for Q8_0, Q4_0, Q5_K and Q6_K (README, "int8 activations").
     */
    public static final boolean INT8 = Int8Lanes.AVAILABLE && "true".equals(System.getProperty("bantam.int8"));

    /** out[outOff + r] = W[r] · x[xOff..] for every row r. */
    public static void matvec(ThreadPool pool, TensorView w, float[] x, int xOff, float[] out, int outOff) {
        matvec(pool, WeightMatrix.of(w), x, xOff, out, outOff);
    }

    /** As {@link #matvec(ThreadPool, TensorView, float[], int, float[], int)}, in the matrix's own layout. */
    public static void matvec(ThreadPool pool, WeightMatrix w, float[] x, int xOff, float[] out, int outOff) {
        int rows = w.rows(), cols = w.cols();
        long rowBytes = w.rowBytes();
        WeightKernels k = w.kernels();
        var data = w.data();
        ThreadPool.RangeBody body;
        if (k instanceof PreparedDot<?> prepared) {
            body = preparedRows(prepared, data, rowBytes, x, xOff, cols, out, outOff);
        } else if (INT8 && k instanceof Int8Dot int8 && cols % Int8Activations.BLOCK == 0) {
            // quantized once here, read by every row: O(cols) against the O(rows·cols) products
            Int8Activations xq = Int8Activations.quantize(x, xOff, cols);
            body = (start, end) -> {
                for (int r = start; r < end; r++) out[outOff + r] = int8.dot(data, r * rowBytes, xq);
            };
        } else if (k instanceof SummedDot summed && cols % 32 == 0) {
            float[] sums = Blocks.blockSums(x, xOff, cols);
            body = (start, end) -> {
                for (int r = start; r < end; r++) out[outOff + r] = summed.dot(data, r * rowBytes, x, xOff, cols, sums);
            };
        } else {
            body = (start, end) -> {
                for (int r = start; r < end; r++) out[outOff + r] = k.dot(data, r * rowBytes, x, xOff, cols);
            };
        }
        pool.forRanges(rows, (long) rows * cols, body);
    }

    /** The rows of a {@link PreparedDot} layout, the activations prepared once here for all of them. */
    private static <A> ThreadPool.RangeBody preparedRows(PreparedDot<A> k, java.lang.foreign.MemorySegment data, long rowBytes,
                                                         float[] x, int xOff, int cols, float[] out, int outOff) {
        A prepared = k.prepare(x, xOff, cols);
        return (start, end) -> {
            for (int r = start; r < end; r++) out[outOff + r] = k.dot(data, r * rowBytes, prepared);
        };
    }

    /**
     * out[t·rows + r] = W[r] · x[t·cols ..] for tokens t in [0, tokens): activations and results
     * are row-major per token. Tokens are taken in tiles whose transposed activations fit in L2;
     * each thread dequantizes six weight rows at a time and runs {@link PrefillKernel} over the tile.
     */
    public static void matmul(ThreadPool pool, TensorView w, float[] x, int tokens, float[] out) {
        matmul(pool, WeightMatrix.of(w), x, tokens, out);
    }

    /** As {@link #matmul(ThreadPool, TensorView, float[], int, float[])}, in the matrix's own layout. */
    public static void matmul(ThreadPool pool, WeightMatrix w, float[] x, int tokens, float[] out) {
        if (tokens == 1) {
            matvec(pool, w, x, 0, out, 0);
            return;
        }
        if (tokens < SMALL_TOKENS && (long) w.rows() * w.cols() * tokens < ThreadPool.MIN_PARALLEL_WORK) {
            // a tiny model's few tokens: the register tile would be mostly padding and allocation
            for (int t = 0; t < tokens; t++) matvec(pool, w, x, t * w.cols(), out, t * w.rows());
            return;
        }
        int rows = w.rows(), cols = w.cols(), lanes = Vec.L;
        long rowBytes = w.rowBytes();
        WeightKernels k = w.kernels();
        var data = w.data();
        int tile = Math.clamp(TILE_FLOATS / cols / (2 * lanes) * (2 * lanes), 2 * lanes, MAX_TILE_TOKENS);
        int groups = (rows + PrefillKernel.ROWS - 1) / PrefillKernel.ROWS;
        for (int t0 = 0; t0 < tokens; t0 += tile) {
            int nt = Math.min(tile, tokens - t0);
            int stride = (nt + lanes - 1) / lanes * lanes;
            float[] xt = transpose(x, cols, t0, nt, stride);
            int first = t0;
            pool.forRanges(groups, (long) rows * cols * nt, (g0, g1) -> {
                float[] six = new float[PrefillKernel.ROWS * cols];
                float[] result = new float[PrefillKernel.ROWS * 2 * lanes];
                for (int g = g0; g < g1; g++) {
                    int r0 = g * PrefillKernel.ROWS, nr = Math.min(PrefillKernel.ROWS, rows - r0);
                    for (int j = 0; j < nr; j++) k.dequantize(data, (r0 + j) * rowBytes, six, j * cols, cols);
                    for (int v = 0; v < stride; v += 2 * lanes) {
                        if (v + 2 * lanes <= stride) PrefillKernel.rows6x2(six, cols, cols, xt, stride, v, result);
                        else PrefillKernel.rows6x1(six, cols, cols, xt, stride, v, result);
                        int count = Math.min(2 * lanes, nt - v);
                        for (int j = 0; j < nr; j++) {
                            for (int t = 0; t < count; t++) out[(first + v + t) * rows + r0 + j] = result[j * 2 * lanes + t];
                        }
                    }
                }
            });
        }
    }

    /** Tokens t0..t0+n of row-major {@code x} as {@code [cols][stride]}, zero-padded to the stride. */
    private static float[] transpose(float[] x, int cols, int t0, int n, int stride) {
        float[] xt = new float[cols * stride];
        for (int t = 0; t < n; t++) {
            int src = (t0 + t) * cols;
            for (int c = 0; c < cols; c++) xt[c * stride + t] = x[src + c];
        }
        return xt;
    }
}
