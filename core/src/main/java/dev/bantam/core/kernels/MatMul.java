package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;

/**
 * Matrix products of a stored weight matrix (rows = outputs) with float32 activations, split
 * over output rows on the pool. Decode uses the per-type dot kernel straight from the mapped
 * file; prefill dequantizes each weight row once per tile of tokens and reuses it for all of them.
 */
public final class MatMul {
    /** Below this many multiply-adds the pool's hand-off costs more than it saves. */
    private static final long PARALLEL_THRESHOLD = 1 << 16;
    /** Tokens per tile: the tile's activations stay in L2 while every weight row streams past. */
    private static final int TOKEN_TILE = 32;

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
        pool.forRanges(rows, (start, end) -> {
            float[] row = new float[cols];
            float[] four = new float[4];
            for (int t0 = 0; t0 < tokens; t0 += TOKEN_TILE) {
                int t1 = Math.min(tokens, t0 + TOKEN_TILE);
                for (int r = start; r < end; r++) {
                    k.dequantize(data, r * rowBytes, row, 0, cols);
                    int t = t0;
                    for (; t + 4 <= t1; t += 4) {
                        FloatOps.dot4(row, x, t * cols, cols, cols, four);
                        for (int j = 0; j < 4; j++) out[(t + j) * rows + r] = four[j];
                    }
                    for (; t < t1; t++) out[t * rows + r] = FloatOps.dot(row, 0, x, t * cols, cols);
                }
            }
        });
    }
}
