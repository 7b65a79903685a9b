package dev.bantam.core.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Attention over the transposed cache of tiny heads equals the per-position path. */
class TransposedAttentionTest {
    @ParameterizedTest
    @CsvSource({"8,2,8,0,1", "8,2,8,5,3", "8,8,8,37,2", "8,2,8,500,3", "8,2,8,590,3", "8,2,8,597,3", "4,1,16,17,1", "4,2,12,40,3"})
    void equalsThePerPositionPath(int heads, int kvHeads, int hd, int start, int tokens) {
        int capacity = 600, kvd = kvHeads * hd, n = start + tokens;
        Random r = new Random(start * 31 + hd);
        float[] keys = new float[capacity * kvd], values = new float[capacity * kvd];
        float[] keysT = new float[capacity * kvd], valuesT = new float[capacity * kvd];
        for (int p = 0; p < n; p++) {
            for (int j = 0; j < kvd; j++) {
                keys[p * kvd + j] = keysT[j * capacity + p] = (float) r.nextGaussian();
                values[p * kvd + j] = valuesT[j * capacity + p] = (float) r.nextGaussian();
            }
        }
        float[] q = new float[(tokens + 1) * heads * hd];
        for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();
        int base = heads * hd;  // the rows of a second sequence in a batch
        float[] expected = new float[q.length], got = new float[q.length];
        try (ThreadPool pool = new ThreadPool(1)) {
            Attention.causal(pool, q, base, keys, values, start, tokens, heads, kvHeads, hd, expected);
        }
        Attention.causalTransposed(q, base, keysT, valuesT, capacity, start, tokens, heads, kvHeads, hd, got);
        for (int i = base; i < q.length; i++) assertThat(got[i]).as("output %d", i).isCloseTo(expected[i], within(1e-5f));
    }
}
