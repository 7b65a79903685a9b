package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;

import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;

/**
 * The register tile of the prefill matrix product, in the style of BLAS micro-kernels: six
 * weight rows times two vectors of tokens. Activations are transposed ({@code xt[k][token]}) so
 * that one vector load holds the same input element of L tokens; each weight element is
 * broadcast once and feeds two FMAs. Twelve accumulators stay in registers for the whole
 * reduction and no horizontal sums are needed, so the loop runs at FMA throughput.
 */
public final class PrefillKernel {
    public static final int ROWS = 6;

    private PrefillKernel() {}

    /**
     * tile[r][j] = Σ_{k < n} w[r·ws + k] · xt[k·stride + t0 + j] for r < 6, j < 2L. {@code tile}
     * is {@code [6][2L]} row-major; {@code ws} is the distance between weight rows.
     */
    public static void rows6x2(float[] w, int ws, int n, float[] xt, int stride, int t0, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int k = 0, x = t0; k < n; k++, x += stride) {
            FloatVector x0 = FloatVector.fromArray(F, xt, x), x1 = FloatVector.fromArray(F, xt, x + L);
            FloatVector b = FloatVector.broadcast(F, w[k]);
            c00 = x0.fma(b, c00); c01 = x1.fma(b, c01);
            b = FloatVector.broadcast(F, w[ws + k]);
            c10 = x0.fma(b, c10); c11 = x1.fma(b, c11);
            b = FloatVector.broadcast(F, w[2 * ws + k]);
            c20 = x0.fma(b, c20); c21 = x1.fma(b, c21);
            b = FloatVector.broadcast(F, w[3 * ws + k]);
            c30 = x0.fma(b, c30); c31 = x1.fma(b, c31);
            b = FloatVector.broadcast(F, w[4 * ws + k]);
            c40 = x0.fma(b, c40); c41 = x1.fma(b, c41);
            b = FloatVector.broadcast(F, w[5 * ws + k]);
            c50 = x0.fma(b, c50); c51 = x1.fma(b, c51);
        }
        int s = 2 * L;
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, s); c11.intoArray(tile, s + L);
        c20.intoArray(tile, 2 * s); c21.intoArray(tile, 2 * s + L);
        c30.intoArray(tile, 3 * s); c31.intoArray(tile, 3 * s + L);
        c40.intoArray(tile, 4 * s); c41.intoArray(tile, 4 * s + L);
        c50.intoArray(tile, 5 * s); c51.intoArray(tile, 5 * s + L);
    }

    /** As {@link #rows6x2} for one vector of tokens (the last, odd one of a tile). */
    public static void rows6x1(float[] w, int ws, int n, float[] xt, int stride, int t0, float[] tile) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        for (int k = 0, x = t0; k < n; k++, x += stride) {
            FloatVector x0 = FloatVector.fromArray(F, xt, x);
            c0 = x0.fma(FloatVector.broadcast(F, w[k]), c0);
            c1 = x0.fma(FloatVector.broadcast(F, w[ws + k]), c1);
            c2 = x0.fma(FloatVector.broadcast(F, w[2 * ws + k]), c2);
            c3 = x0.fma(FloatVector.broadcast(F, w[3 * ws + k]), c3);
            c4 = x0.fma(FloatVector.broadcast(F, w[4 * ws + k]), c4);
            c5 = x0.fma(FloatVector.broadcast(F, w[5 * ws + k]), c5);
        }
        int s = 2 * L;
        c0.intoArray(tile, 0); c1.intoArray(tile, s); c2.intoArray(tile, 2 * s);
        c3.intoArray(tile, 3 * s); c4.intoArray(tile, 4 * s); c5.intoArray(tile, 5 * s);
    }
}
