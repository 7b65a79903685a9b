package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.util.Arrays;

/**
 * Causal scaled dot-product attention of T new queries over every cached position, with grouped
 * query heads (each key/value head serves {@code heads / kvHeads} query heads).
 *
 * <p>Layouts: queries and output {@code [t][head][headDim]}; keys and values
 * {@code [position][kvHead][headDim]}. A single query (decode) takes one dot product per
 * position. A prompt instead runs both products — scores = Q·Kᵀ and output = P·V — through the
 * prefill register tile, six query rows at a time, because a dot product of one head-size vector
 * costs more in its horizontal sum than in its multiplications.
 *
 * <p>A {@code window} > 0 limits each query to the last {@code window} positions, itself included
 * (key j is visible from query i iff 0 ≤ i − j < window: sliding-window attention); 0 = all of them.
 */
public final class Attention {
    /** Below this many new tokens the per-position loop is as fast as the tiled path. */
    public static final int TILED_FROM_TOKENS = 4;

    private Attention() {}

    public static void causal(ThreadPool pool, float[] q, float[] keys, float[] values, int start, int tokens,
                              int heads, int kvHeads, int headDim, float[] out) {
        causal(pool, q, 0, keys, values, start, tokens, heads, kvHeads, headDim, out);
    }

    /**
     * As above for the queries at {@code base} of {@code q}, writing the output at {@code base} of
     * {@code out}: one sequence's rows of a batch whose sequences each have their own cache.
     */
    public static void causal(ThreadPool pool, float[] q, int base, float[] keys, float[] values, int start, int tokens,
                              int heads, int kvHeads, int headDim, float[] out) {
        causal(pool, q, base, keys, values, start, tokens, heads, kvHeads, headDim, 0, (float) (1.0 / Math.sqrt(headDim)), out);
    }

    /** As above with a sliding window (0 = none) and the factor of q·k. */
    public static void causal(ThreadPool pool, float[] q, int base, float[] keys, float[] values, int start, int tokens,
                              int heads, int kvHeads, int headDim, int window, float scale, float[] out) {
        if (tokens >= TILED_FROM_TOKENS) {
            tiled(pool, q, base, keys, values, start, tokens, heads, kvHeads, headDim, window, scale, out);
        } else {
            perPosition(pool, q, base, keys, values, start, tokens, heads, kvHeads, headDim, window, scale, out);
        }
    }

    /** The first position that a query seeing {@code n} positions (0 … n − 1) may attend to. */
    static int firstVisible(int n, int window) {
        return window > 0 ? Math.max(0, n - window) : 0;
    }

    private static void perPosition(ThreadPool pool, float[] q, int base, float[] keys, float[] values, int start, int tokens,
                                    int heads, int kvHeads, int hd, int window, float scale, float[] out) {
        int kvd = kvHeads * hd, group = heads / kvHeads;
        Arrays.fill(out, base, base + tokens * heads * hd, 0f);
        pool.forRanges(tokens * heads, (long) tokens * heads * (start + tokens) * hd, (from, to) -> {
            float[] scores = new float[start + tokens];
            if (hd == 8) {
                for (int th = from; th < to; th++) head8(q, base, keys, values, start, th / heads, th % heads, heads, kvd, group, window, scale, scores, out);
                return;
            }
            for (int th = from; th < to; th++) {
                int t = th / heads, h = th % heads;
                int qOff = base + th * hd, kvOff = (h / group) * hd, n = start + t + 1, lo = firstVisible(n, window);
                for (int p = lo; p < n; p++) scores[p] = FloatOps.dot(q, qOff, keys, p * kvd + kvOff, hd) * scale;
                Ops.softmax(scores, lo, n - lo);
                for (int p = lo; p < n; p++) FloatOps.axpy(scores[p], values, p * kvd + kvOff, out, qOff, hd);
            }
        });
    }

    /**
     * Attention of a few new tokens over a cache stored transposed, {@code [kvHead·headDim + d][capacity]}
     * (tiny heads): scores = Σ_d q[d]·Kᵀ[d][positions] and out[d] = probs · Vᵀ[d] both run over
     * positions as whole vectors, so a head of 8 floats costs no horizontal sum per position.
     * Single-threaded: for such models the whole call takes microseconds.
     */
    public static void causalTransposed(float[] q, int base, float[] keysT, float[] valuesT, int capacity, int start, int tokens,
                                        int heads, int kvHeads, int hd, float[] out) {
        causalTransposed(q, base, keysT, valuesT, capacity, start, tokens, heads, kvHeads, hd, 0, (float) (1.0 / Math.sqrt(hd)), out);
    }

    /**
     * As above with a sliding window (0 = none) and the factor of q·k. The passes over positions
     * start at the vector block holding the first visible one; its lanes before that get weight 0.
     */
    public static void causalTransposed(float[] q, int base, float[] keysT, float[] valuesT, int capacity, int start, int tokens,
                                        int heads, int kvHeads, int hd, int window, float scale, float[] out) {
        int group = heads / kvHeads;
        float[] scores = SCORES.get();
        if (scores.length < start + tokens + Vec.L) SCORES.set(scores = new float[Math.max(start + tokens + Vec.L, 2 * scores.length)]);
        // the query heads of one key/value head, for every new token, run one after another, so
        // that head's keys and values stay in the L1 cache between them
        for (int kvh = 0; kvh < kvHeads; kvh++) for (int t = 0; t < tokens; t++) for (int h = kvh * group; h < (kvh + 1) * group; h++) {
            int n = start + t + 1, full = n - n % Vec.L, lo = firstVisible(n, window), lo0 = lo - lo % Vec.L;
            // the last, partial block of positions also runs as a vector (its dead lanes masked to
            // weight 0) when the cache has room past it: a scalar tail would cost as much as the rest
            boolean vectorTail = full < n && full + Vec.L <= capacity;
            int vn = vectorTail ? full + Vec.L : full;
            {
                int qOff = base + (t * heads + h) * hd, rows = kvh * hd;
                // scores and their running maximum in one pass
                FloatVector maxV = FloatVector.broadcast(Vec.F, Float.NEGATIVE_INFINITY);
                int p0 = lo0;
                // two blocks of positions at a time: two independent chains of multiply-adds
                for (; p0 + 2 * Vec.L <= full; p0 += 2 * Vec.L) {
                    FloatVector a = FloatVector.zero(Vec.F), b = a;
                    for (int d = 0, o = rows * capacity + p0; d < hd; d++, o += capacity) {
                        FloatVector qd = FloatVector.broadcast(Vec.F, q[qOff + d] * scale);
                        a = FloatVector.fromArray(Vec.F, keysT, o).fma(qd, a);
                        b = FloatVector.fromArray(Vec.F, keysT, o + Vec.L).fma(qd, b);
                    }
                    a.intoArray(scores, p0);
                    b.intoArray(scores, p0 + Vec.L);
                    maxV = maxV.max(a).max(b);
                }
                for (int p = p0; p < vn; p += Vec.L) {
                    FloatVector acc = FloatVector.zero(Vec.F);
                    for (int d = 0; d < hd; d++) {
                        acc = FloatVector.fromArray(Vec.F, keysT, (rows + d) * capacity + p).fma(FloatVector.broadcast(Vec.F, q[qOff + d] * scale), acc);
                    }
                    if (p == full) acc = FloatVector.broadcast(Vec.F, Float.NEGATIVE_INFINITY).blend(acc, Vec.F.indexInRange(p, n));
                    acc.intoArray(scores, p);
                    maxV = maxV.max(acc);
                }
                float max = maxV.reduceLanes(VectorOperators.MAX);
                for (int p = vn; p < n; p++) {
                    float sum = 0;
                    for (int d = 0; d < hd; d++) sum += q[qOff + d] * scale * keysT[(rows + d) * capacity + p];
                    scores[p] = sum;
                    max = Math.max(max, sum);
                }
                if (lo > lo0) {
                    // positions before the window in the first block: out, and not in the maximum
                    Arrays.fill(scores, lo0, lo, Float.NEGATIVE_INFINITY);
                    max = Float.NEGATIVE_INFINITY;
                    for (int p = lo; p < n; p++) max = Math.max(max, scores[p]);
                }
                // unnormalized weights; the output is divided by their sum once
                FloatVector sumV = FloatVector.zero(Vec.F);
                for (int p = lo0; p < vn; p += Vec.L) {
                    FloatVector e = FastExp.ofNonPositive(FloatVector.fromArray(Vec.F, scores, p).sub(max));
                    e.intoArray(scores, p);
                    sumV = sumV.add(e);
                }
                float sum = sumV.reduceLanes(VectorOperators.ADD);
                for (int p = Math.max(vn, lo0); p < n; p++) sum += scores[p] = (float) Math.exp(scores[p] - max);
                float inv = 1 / sum;
                int d = 0;
                // four head dimensions per pass over the weights: four independent accumulators
                for (; d + 4 <= hd; d += 4) {
                    int o0 = (rows + d) * capacity;
                    FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, a2 = a0, a3 = a0;
                    for (int p = lo0; p < vn; p += Vec.L) {
                        FloatVector w = FloatVector.fromArray(Vec.F, scores, p);
                        a0 = FloatVector.fromArray(Vec.F, valuesT, o0 + p).fma(w, a0);
                        a1 = FloatVector.fromArray(Vec.F, valuesT, o0 + capacity + p).fma(w, a1);
                        a2 = FloatVector.fromArray(Vec.F, valuesT, o0 + 2 * capacity + p).fma(w, a2);
                        a3 = FloatVector.fromArray(Vec.F, valuesT, o0 + 3 * capacity + p).fma(w, a3);
                    }
                    float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
                    float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
                    for (int p = vn; p < n; p++) {
                        float w = scores[p];
                        s0 += w * valuesT[o0 + p];
                        s1 += w * valuesT[o0 + capacity + p];
                        s2 += w * valuesT[o0 + 2 * capacity + p];
                        s3 += w * valuesT[o0 + 3 * capacity + p];
                    }
                    out[qOff + d] = s0 * inv;
                    out[qOff + d + 1] = s1 * inv;
                    out[qOff + d + 2] = s2 * inv;
                    out[qOff + d + 3] = s3 * inv;
                }
                for (; d < hd; d++) out[qOff + d] = FloatOps.dot(scores, lo0, valuesT, (rows + d) * capacity + lo0, n - lo0) * inv;
            }
        }
    }

    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[1024]);

    /**
     * One query head of size 8 over every visible position, in scalar registers: a vector lane
     * count of 16 would leave half of each vector empty and pay a horizontal sum per position,
     * which for tiny models (game networks: 6 layers, width 64) costs more than the arithmetic.
     */
    private static void head8(float[] q, int base, float[] keys, float[] values, int start, int t, int h, int heads,
                              int kvd, int group, int window, float scale, float[] scores, float[] out) {
        int qOff = base + (t * heads + h) * 8, kvOff = (h / group) * 8, n = start + t + 1, lo = firstVisible(n, window);
        float q0 = q[qOff] * scale, q1 = q[qOff + 1] * scale, q2 = q[qOff + 2] * scale, q3 = q[qOff + 3] * scale;
        float q4 = q[qOff + 4] * scale, q5 = q[qOff + 5] * scale, q6 = q[qOff + 6] * scale, q7 = q[qOff + 7] * scale;
        for (int p = lo, o = kvOff + lo * kvd; p < n; p++, o += kvd) {
            scores[p] = (q0 * keys[o] + q1 * keys[o + 1] + q2 * keys[o + 2] + q3 * keys[o + 3])
                    + (q4 * keys[o + 4] + q5 * keys[o + 5] + q6 * keys[o + 6] + q7 * keys[o + 7]);
        }
        Ops.softmax(scores, lo, n - lo);
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int p = lo, o = kvOff + lo * kvd; p < n; p++, o += kvd) {
            float w = scores[p];
            a0 += w * values[o];
            a1 += w * values[o + 1];
            a2 += w * values[o + 2];
            a3 += w * values[o + 3];
            a4 += w * values[o + 4];
            a5 += w * values[o + 5];
            a6 += w * values[o + 6];
            a7 += w * values[o + 7];
        }
        out[qOff] = a0;
        out[qOff + 1] = a1;
        out[qOff + 2] = a2;
        out[qOff + 3] = a3;
        out[qOff + 4] = a4;
        out[qOff + 5] = a5;
        out[qOff + 6] = a6;
        out[qOff + 7] = a7;
    }

    private static void tiled(ThreadPool pool, float[] q, int base, float[] keys, float[] values, int start, int tokens,
                              int heads, int kvHeads, int hd, int window, float scale, float[] out) {
        final int rows = PrefillKernel.ROWS, lanes = Vec.L, kvd = kvHeads * hd, group = heads / kvHeads;
        final int n = start + tokens, padded = (n + lanes - 1) / lanes * lanes;
        // P·V stores whole vectors of head dimensions: a head size that is not a multiple of the
        // vector length reads its values from a copy padded to one
        final int hdPad = (hd + lanes - 1) / lanes * lanes;
        final boolean padValues = hdPad != hd;
        // keys of each kv head transposed to [headDim][position]: the "activations" of Q·Kᵀ
        float[][] keysT = new float[kvHeads][];
        float[][] valuesPadded = new float[kvHeads][];
        pool.forRanges(kvHeads, (long) kvHeads * n * hd, (k0, k1) -> {
            for (int kvh = k0; kvh < k1; kvh++) {
                float[] kt = new float[hd * padded];
                for (int p = 0; p < n; p++) {
                    int src = p * kvd + kvh * hd;
                    for (int d = 0; d < hd; d++) kt[d * padded + p] = keys[src + d];
                }
                keysT[kvh] = kt;
                if (padValues) {
                    float[] vp = new float[n * hdPad];
                    for (int p = 0; p < n; p++) System.arraycopy(values, p * kvd + kvh * hd, vp, p * hdPad, hd);
                    valuesPadded[kvh] = vp;
                }
            }
        });
        int m = tokens * group, blocks = (m + rows - 1) / rows;
        pool.forRanges(kvHeads * blocks, (long) tokens * heads * n * hd, (from, to) -> {
            float[] qs = new float[rows * hd];
            float[] probs = new float[rows * padded];
            float[] tile = new float[rows * 2 * lanes];
            for (int item = from; item < to; item++) {
                int kvh = item / blocks, r0 = (item % blocks) * rows, nr = Math.min(rows, m - r0);
                // query row r of this kv head is token r / group, head kvh·group + r % group
                Arrays.fill(qs, 0f);
                for (int i = 0; i < nr; i++) {
                    int r = r0 + i, qOff = base + ((r / group) * heads + kvh * group + r % group) * hd;
                    for (int d = 0; d < hd; d++) qs[i * hd + d] = q[qOff + d] * scale;
                }
                int limit = start + (r0 + nr - 1) / group + 1;
                int end = (limit + lanes - 1) / lanes * lanes;
                for (int v = 0; v < end; v += 2 * lanes) {
                    int width = Math.min(2 * lanes, end - v);
                    if (width == 2 * lanes) PrefillKernel.rows6x2(qs, hd, hd, keysT[kvh], padded, v, tile);
                    else PrefillKernel.rows6x1(qs, hd, hd, keysT[kvh], padded, v, tile);
                    for (int i = 0; i < rows; i++) System.arraycopy(tile, i * 2 * lanes, probs, i * padded + v, width);
                }
                for (int i = 0; i < rows; i++) {
                    int valid = i < nr ? start + (r0 + i) / group + 1 : 0, lo = firstVisible(valid, window);
                    Arrays.fill(probs, i * padded, i * padded + lo, 0f);
                    if (valid > 0) Ops.softmax(probs, i * padded + lo, valid - lo);
                    Arrays.fill(probs, i * padded + valid, i * padded + limit, 0f);
                }
                float[] v = padValues ? valuesPadded[kvh] : values;
                int vStride = padValues ? hdPad : kvd, vOff = padValues ? 0 : kvh * hd;
                for (int c = 0; c < hd; c += 2 * lanes) {
                    int width = Math.min(2 * lanes, hd - c);
                    if (hdPad - c >= 2 * lanes) PrefillKernel.rows6x2(probs, padded, limit, v, vStride, vOff + c, tile);
                    else PrefillKernel.rows6x1(probs, padded, limit, v, vStride, vOff + c, tile);
                    for (int i = 0; i < nr; i++) {
                        int r = r0 + i, oOff = base + ((r / group) * heads + kvh * group + r % group) * hd + c;
                        System.arraycopy(tile, i * 2 * lanes, out, oOff, width);
                    }
                }
            }
        });
    }
}
