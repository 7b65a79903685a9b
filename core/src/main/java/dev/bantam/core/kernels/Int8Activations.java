package dev.bantam.core.kernels;

/**
 * An activation vector quantized once per matrix-vector product to int8 in blocks of 32 (as
 * llama.cpp's Q8_0: scale = max|x| / 127, q = round(x / scale)), so that every weight row's dot
 * product multiplies small integers instead of converting each weight to float. The levels are
 * stored widened to short: they are read once per weight row, and widening them here, once,
 * takes that conversion out of every row's loop. {@code sum} holds Σq per block, for the types
 * whose values carry an offset or a minimum (Σ (a·q_w − m)·x = a·Σ q_w·x − m·Σ x).
 */
public final class Int8Activations {
    public static final int BLOCK = 32;

    final short[] q;
    final float[] scale;
    final int[] sum;
    final int n;

    private Int8Activations(int n) {
        this.n = n;
        q = new short[n];
        scale = new float[n / BLOCK];
        sum = new int[n / BLOCK];
    }

    /** x[off .. off + n) quantized; {@code n} must be a multiple of {@link #BLOCK}. */
    public static Int8Activations quantize(float[] x, int off, int n) {
        if (n % BLOCK != 0) throw new IllegalArgumentException("int8 activations need a multiple of " + BLOCK + " values, got " + n);
        Int8Activations a = new Int8Activations(n);
        for (int b = 0; b < n / BLOCK; b++) {
            int base = off + b * BLOCK;
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(x[base + j]));
            float d = amax / 127;
            float id = d != 0 ? 1 / d : 0;
            int s = 0;
            for (int j = 0; j < BLOCK; j++) {
                int v = Q8_0Kernels.roundHalfAway(x[base + j] * id);
                a.q[b * BLOCK + j] = (short) v;
                s += v;
            }
            a.scale[b] = d;
            a.sum[b] = s;
        }
        return a;
    }

    /** The value the quantized vector stands for at {@code i}: what the int8 kernels are tested against. */
    public float value(int i) {
        return q[i] * scale[i / BLOCK];
    }

    /**
     * Levels lo and hi as one int, q[hi] + q[lo]·2¹⁶: what the int8-activation layouts multiply a
     * lane of two weight levels (lo's in the low half) by (PairedNibbleKernels has why).
     */
    int pair(int lo, int hi) {
        return q[hi] + (q[lo] << 16);
    }

    /** Every {@link #value}, for tests. */
    public float[] values() {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = value(i);
        return v;
    }

    public int length() {
        return n;
    }
}
