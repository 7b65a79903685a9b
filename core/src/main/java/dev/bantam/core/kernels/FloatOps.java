package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;

/** Vectorized operations on float32 arrays: dots, scaled adds, element-wise products. */
public final class FloatOps {
    private FloatOps() {}

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /**
     * The register tile of the prefill matrix product: the 16 dot products of four weight rows
     * ({@code w}, rows {@code n} apart) with four activation rows ({@code x + xOff}, {@code xStride}
     * apart). Each loaded vector feeds four FMAs, so the loop is bound by FMA throughput rather than
     * loads. {@code out[4·row + token]}.
     */
    static void dot4x4(float[] w, float[] x, int xOff, int xStride, int n, float[] out) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int x0 = xOff, x1 = xOff + xStride, x2 = xOff + 2 * xStride, x3 = xOff + 3 * xStride;
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v0 = FloatVector.fromArray(F, x, x0 + i), v1 = FloatVector.fromArray(F, x, x1 + i);
            FloatVector v2 = FloatVector.fromArray(F, x, x2 + i), v3 = FloatVector.fromArray(F, x, x3 + i);
            FloatVector w0 = FloatVector.fromArray(F, w, i);
            a00 = w0.fma(v0, a00); a01 = w0.fma(v1, a01); a02 = w0.fma(v2, a02); a03 = w0.fma(v3, a03);
            FloatVector w1 = FloatVector.fromArray(F, w, n + i);
            a10 = w1.fma(v0, a10); a11 = w1.fma(v1, a11); a12 = w1.fma(v2, a12); a13 = w1.fma(v3, a13);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * n + i);
            a20 = w2.fma(v0, a20); a21 = w2.fma(v1, a21); a22 = w2.fma(v2, a22); a23 = w2.fma(v3, a23);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * n + i);
            a30 = w3.fma(v0, a30); a31 = w3.fma(v1, a31); a32 = w3.fma(v2, a32); a33 = w3.fma(v3, a33);
        }
        out[0] = a00.reduceLanes(VectorOperators.ADD); out[1] = a01.reduceLanes(VectorOperators.ADD);
        out[2] = a02.reduceLanes(VectorOperators.ADD); out[3] = a03.reduceLanes(VectorOperators.ADD);
        out[4] = a10.reduceLanes(VectorOperators.ADD); out[5] = a11.reduceLanes(VectorOperators.ADD);
        out[6] = a12.reduceLanes(VectorOperators.ADD); out[7] = a13.reduceLanes(VectorOperators.ADD);
        out[8] = a20.reduceLanes(VectorOperators.ADD); out[9] = a21.reduceLanes(VectorOperators.ADD);
        out[10] = a22.reduceLanes(VectorOperators.ADD); out[11] = a23.reduceLanes(VectorOperators.ADD);
        out[12] = a30.reduceLanes(VectorOperators.ADD); out[13] = a31.reduceLanes(VectorOperators.ADD);
        out[14] = a32.reduceLanes(VectorOperators.ADD); out[15] = a33.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            for (int k = 0; k < 16; k++) out[k] += w[(k / 4) * n + i] * x[xOff + (k % 4) * xStride + i];
        }
    }

    /** y[yOff..] += a · x[xOff..] */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        FloatVector av = FloatVector.broadcast(F, a);
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    /** y[yOff..] += x[xOff..] */
    public static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xOff + i).add(FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += x[xOff + i];
    }
}
