package dev.bantam.core.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Both attention paths against a plain double-precision reference, with a cached prefix and grouped heads. */
class AttentionTest {
    @ParameterizedTest
    @CsvSource({"0,9,4,2,32", "5,7,6,2,48", "0,1,4,4,16", "3,1,8,2,32", "17,40,4,1,64", "0,6,2,2,20", "4,30,8,2,8", "0,13,3,1,40"})
    void matchesTheReference(int start, int tokens, int heads, int kvHeads, int hd) {
        Random random = new Random(start * 131 + tokens);
        int n = start + tokens, kvd = kvHeads * hd, group = heads / kvHeads;
        float[] q = gaussian(random, tokens * heads * hd);
        float[] keys = gaussian(random, (n + 3) * kvd);
        float[] values = gaussian(random, (n + 3) * kvd);
        float[] out = new float[tokens * heads * hd];
        try (ThreadPool pool = new ThreadPool(2)) {
            Attention.causal(pool, q, keys, values, start, tokens, heads, kvHeads, hd, out);
        }
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                int visible = start + t + 1, kv = (h / group) * hd, qOff = (t * heads + h) * hd;
                double[] w = new double[visible];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int p = 0; p < visible; p++) {
                    for (int d = 0; d < hd; d++) w[p] += (double) q[qOff + d] * keys[p * kvd + kv + d];
                    w[p] /= Math.sqrt(hd);
                    max = Math.max(max, w[p]);
                }
                for (int p = 0; p < visible; p++) sum += w[p] = Math.exp(w[p] - max);
                for (int d = 0; d < hd; d++) {
                    double expected = 0;
                    for (int p = 0; p < visible; p++) expected += w[p] / sum * values[p * kvd + kv + d];
                    assertThat((double) out[qOff + d]).as("t=%d h=%d d=%d", t, h, d).isCloseTo(expected, within(1e-5));
                }
            }
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
