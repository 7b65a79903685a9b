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
     * Four dot products of one row {@code w} with four activation rows {@code x + k·stride}, loading
     * each weight vector once: the register tile of the prefill matrix product.
     */
    static void dot4(float[] w, float[] x, int xOff, int stride, int n, float[] out) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector wv = FloatVector.fromArray(F, w, i);
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, xOff + stride + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, xOff + 2 * stride + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, xOff + 3 * stride + i), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s0 += w[i] * x[xOff + i];
            s1 += w[i] * x[xOff + stride + i];
            s2 += w[i] * x[xOff + 2 * stride + i];
            s3 += w[i] * x[xOff + 3 * stride + i];
        }
        out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3;
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
