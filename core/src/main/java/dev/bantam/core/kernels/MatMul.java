package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;

/**
 * Matrix products of a stored weight matrix (rows = outputs) with float32 activations, split
 * over output rows on the pool. Decode uses the per-type dot kernel straight from the mapped
 * file; prefill dequantizes four weight rows at a time, once per tile of tokens, and multiplies them
 * with four tokens at a time in registers.
 */
public final class MatMul {
    /** Below this many multiply-adds the pool's hand-off costs more than it saves. */
    private static final long PARALLEL_THRESHOLD = 1 << 16;
    /** Tokens per tile: the tile's activations stay in L2 while every weight row streams past. */
    private static final int TOKEN_TILE = 64;

    private MatMul() {}

    /** out[outOff + r] = W[r] · x[xOff..] for every row r. */
    public static void matvec(ThreadPool pool, TensorView w, float[] x, int xOff, float[] out, int outOff) {
        int rows = w.rows(), cols = w.cols();
        long rowBytes = w.rowBytes();
        WeightKernels k = w.type().kernels();
        var data = w.data();
        ThreadPool.RangeBody body = (start, end) -> {
            for (int r = start; r < end; r++) out[outOff + r] = k.dot(data, r * rowBytes, x, xOff, cols);
        };
        if ((long) rows * cols < PARALLEL_THRESHOLD) body.run(0, rows);
        else pool.forRanges(rows, body);
    }

    /**
     * out[t·rows + r] = W[r] · x[t·cols ..] for tokens t in [0, tokens): activations and results
     * are row-major per token.
     */
    public static void matmul(ThreadPool pool, TensorView w, float[] x, int tokens, float[] out) {
        if (tokens == 1) {
            matvec(pool, w, x, 0, out, 0);
            return;
        }
        int rows = w.rows(), cols = w.cols();
        long rowBytes = w.rowBytes();
        WeightKernels k = w.type().kernels();
        var data = w.data();
        int groups = (rows + 3) / 4;
        pool.forRanges(groups, (g0, g1) -> {
            float[] four = new float[4 * cols];
            float[] tile = new float[16];
            for (int t0 = 0; t0 < tokens; t0 += TOKEN_TILE) {
                int t1 = Math.min(tokens, t0 + TOKEN_TILE);
                for (int g = g0; g < g1; g++) {
                    int r0 = 4 * g, nr = Math.min(4, rows - r0);
                    for (int j = 0; j < nr; j++) k.dequantize(data, (r0 + j) * rowBytes, four, j * cols, cols);
                    int t = t0;
                    if (nr == 4) {
                        for (; t + 4 <= t1; t += 4) {
                            FloatOps.dot4x4(four, x, t * cols, cols, cols, tile);
                            for (int j = 0; j < 16; j++) out[(t + j % 4) * rows + r0 + j / 4] = tile[j];
                        }
                    }
                    for (; t < t1; t++) {
                        for (int j = 0; j < nr; j++) out[t * rows + r0 + j] = FloatOps.dot(four, j * cols, x, t * cols, cols);
                    }
                }
            }
        });
    }
}
