package dev.bantam.core.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Sliding-window attention (key j visible from query i iff 0 ≤ i − j < window) on every path —
 * per position (head size 8 and others), tiled prefill, transposed cache — equals a plain
 * reference. Windows not a multiple of the vector length exercise the first partial block.
 */
class WindowedAttentionTest {
    @ParameterizedTest
    @CsvSource({
            // heads, kvHeads, hd, start, tokens, window
            "4,2,8,0,1,3", "4,2,8,20,2,3", "4,2,8,20,7,5",      // head8, then tiled
            "4,2,16,0,9,8", "4,2,16,40,1,8", "4,2,16,40,3,13",  // gemma3-tiny's shape
            "4,2,32,30,2,17", "4,1,32,30,12,17", "2,2,12,70,5,1", "2,2,16,5,3,64"})
    void everyPathEqualsTheReference(int heads, int kvHeads, int hd, int start, int tokens, int window) {
        int capacity = 128, kvd = kvHeads * hd, n = start + tokens;
        float scale = 0.3f;
        Random r = new Random(start * 31 + hd + window);
        float[] keys = new float[capacity * kvd], values = new float[capacity * kvd];
        float[] keysT = new float[capacity * kvd], valuesT = new float[capacity * kvd];
        for (int p = 0; p < n; p++) {
            for (int j = 0; j < kvd; j++) {
                keys[p * kvd + j] = keysT[j * capacity + p] = (float) r.nextGaussian() * 3;
                values[p * kvd + j] = valuesT[j * capacity + p] = (float) r.nextGaussian();
            }
        }
        float[] q = new float[tokens * heads * hd];
        for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian() * 3;
        float[] expected = reference(q, keys, values, start, tokens, heads, kvHeads, hd, window, scale);
        float[] direct = new float[q.length], transposed = new float[q.length];
        try (ThreadPool pool = new ThreadPool(2)) {
            Attention.causal(pool, q, 0, keys, values, start, tokens, heads, kvHeads, hd, window, scale, direct);
        }
        Attention.causalTransposed(q, 0, keysT, valuesT, capacity, start, tokens, heads, kvHeads, hd, window, scale, transposed);
        for (int i = 0; i < q.length; i++) {
            assertThat(direct[i]).as("direct %d", i).isCloseTo(expected[i], within(2e-5f));
            assertThat(transposed[i]).as("transposed %d", i).isCloseTo(expected[i], within(2e-5f));
        }
    }

    private static float[] reference(float[] q, float[] keys, float[] values, int start, int tokens, int heads, int kvHeads, int hd, int window, float scale) {
        int kvd = kvHeads * hd, group = heads / kvHeads;
        float[] out = new float[q.length];
        for (int t = 0; t < tokens; t++) for (int h = 0; h < heads; h++) {
            int i = start + t, qOff = (t * heads + h) * hd, kOff = (h / group) * hd;
            double[] s = new double[i + 1];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j <= i; j++) {
                if (i - j >= window) { s[j] = Double.NEGATIVE_INFINITY; continue; }
                double d = 0;
                for (int x = 0; x < hd; x++) d += (double) q[qOff + x] * keys[j * kvd + kOff + x];
                s[j] = d * scale;
                max = Math.max(max, s[j]);
            }
            for (int j = 0; j <= i; j++) sum += s[j] = Math.exp(s[j] - max);
            for (int x = 0; x < hd; x++) {
                double o = 0;
                for (int j = 0; j <= i; j++) o += s[j] * values[j * kvd + kOff + x];
                out[qOff + x] = (float) (o / sum);
            }
        }
        return out;
    }
}
