package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The element-wise and per-vector operations of a transformer block. Each works on one vector
 * {@code [off, off + n)} of a flat array so the forward pass can run it per token.
 */
public final class Ops {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private Ops() {}

    /** out = x / rms(x) · w */
    public static void rmsNorm(float[] x, int xOff, float[] w, float eps, float[] out, int outOff, int n) {
        float ss = FloatOps.dot(x, xOff, x, xOff, n);
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * scale * w[i];
    }

    /** out = (x − mean) / sqrt(var + eps) · w + b */
    public static void layerNorm(float[] x, int xOff, float[] w, float[] b, float eps, float[] out, int outOff, int n) {
        float mean = 0;
        for (int i = 0; i < n; i++) mean += x[xOff + i];
        mean /= n;
        float var = 0;
        for (int i = 0; i < n; i++) {
            float d = x[xOff + i] - mean;
            var += d * d;
        }
        float scale = (float) (1.0 / Math.sqrt(var / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * scale * w[i] + b[i];
    }

    /** In-place softmax of x[off, off + n), vectorized (exp is a SIMD intrinsic under C2). */
    public static void softmax(float[] x, int off, int n) {
        int vn = n - n % Vec.L;
        FloatVector maxV = FloatVector.broadcast(Vec.F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vn; i += Vec.L) maxV = maxV.max(FloatVector.fromArray(Vec.F, x, off + i));
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (int i = vn; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector sumV = FloatVector.zero(Vec.F);
        for (int i = 0; i < vn; i += Vec.L) {
            FloatVector e = FloatVector.fromArray(Vec.F, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            sumV = sumV.add(e);
        }
        float sum = sumV.reduceLanes(VectorOperators.ADD);
        for (int i = vn; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1 / sum;
        for (int i = 0; i < vn; i += Vec.L) FloatVector.fromArray(Vec.F, x, off + i).mul(inv).intoArray(x, off + i);
        for (int i = vn; i < n; i++) x[off + i] *= inv;
    }

    /** gate = silu(gate) · up, the SwiGLU combination. Vectorized: exp is a SIMD intrinsic (SVML) under C2. */
    public static void swiglu(float[] gate, float[] up, int n) {
        int i = 0;
        for (; i + Vec.L <= n; i += Vec.L) {
            FloatVector g = FloatVector.fromArray(Vec.F, gate, i);
            FloatVector sigmoidInverse = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(sigmoidInverse).mul(FloatVector.fromArray(Vec.F, up, i)).intoArray(gate, i);
        }
        for (; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1 + (float) Math.exp(-g)) * up[i];
        }
    }

    /** In-place GELU, tanh approximation (GPT-2's gelu_new); tanh is a SIMD intrinsic under C2. */
    public static void gelu(float[] x, int n) {
        int i = 0;
        for (; i + Vec.L <= n; i += Vec.L) {
            FloatVector v = FloatVector.fromArray(Vec.F, x, i);
            FloatVector inner = v.mul(v).mul(v).mul(0.044715f).add(v).mul(SQRT_2_OVER_PI);
            v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f)).intoArray(x, i);
        }
        for (; i < n; i++) {
            float v = x[i];
            x[i] = 0.5f * v * (1 + (float) Math.tanh(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v)));
        }
    }

    /** gate = gelu_tanh(gate) · up, the GeGLU combination (Gemma). */
    public static void geglu(float[] gate, float[] up, int n) {
        gelu(gate, n);
        int i = 0;
        for (; i + Vec.L <= n; i += Vec.L) FloatVector.fromArray(Vec.F, gate, i).mul(FloatVector.fromArray(Vec.F, up, i)).intoArray(gate, i);
        for (; i < n; i++) gate[i] *= up[i];
    }

    /** In place: x = c · tanh(x / c), logit soft-capping. */
    public static void softcap(float[] x, float c) {
        for (int i = 0; i < x.length; i++) x[i] = c * (float) Math.tanh(x[i] / c);
    }

    /** y[off..] += b for each of {@code count} consecutive vectors of length b.length. */
    public static void addBias(float[] y, float[] b, int count) {
        if (b == null) return;
        for (int t = 0; t < count; t++) FloatOps.add(b, 0, y, t * b.length, b.length);
    }

    /**
     * Rotary position embedding of one head vector in place. {@code neox} pairs element i with
     * i + dims/2; otherwise adjacent elements (2i, 2i+1) are rotated together.
     */
    public static void rope(float[] x, int off, int dims, float[] cos, float[] sin, boolean neox) {
        int half = dims / 2;
        for (int i = 0; i < half; i++) {
            int a = neox ? off + i : off + 2 * i;
            int b = neox ? a + half : a + 1;
            float x0 = x[a], x1 = x[b];
            x[a] = x0 * cos[i] - x1 * sin[i];
            x[b] = x0 * sin[i] + x1 * cos[i];
        }
    }
}
