package dev.bantam.core.generate;

import java.util.SplittableRandom;

/**
 * Picks the next token from logits in llama.cpp's order: repetition penalty, top-k, top-p, min-p,
 * temperature, then a draw from the remaining distribution. Seeded: same seed, same tokens.
 */
public final class Sampler {
    private final SamplerSettings s;
    private final SplittableRandom random;
    private final int[] recent;
    private int recentCount;

    public Sampler(SamplerSettings settings) {
        this.s = settings;
        this.random = new SplittableRandom(settings.seed());
        this.recent = new int[Math.max(0, settings.repeatLastN())];
    }

    /** Records a token (prompt or generated) for the repetition penalty window. */
    public void accept(int token) {
        if (recent.length == 0) return;
        if (recentCount == recent.length) System.arraycopy(recent, 1, recent, 0, recent.length - 1);
        else recentCount++;
        recent[recentCount - 1] = token;
    }

    /**
     * Whether every pick is the largest logit as it comes from the model (temperature 0 and no
     * repetition penalty), so that {@link dev.bantam.core.backend.InferenceSession#decodeGreedy} can stand in for the logits.
     */
    public boolean isGreedy() {
        return s.temperature() <= 0 && (s.repeatPenalty() == 1 || recent.length == 0);
    }

    /** Samples from {@code logits} (modified in place by the penalty). */
    public int sample(float[] logits) {
        applyRepeatPenalty(logits);
        if (s.temperature() <= 0) return argmax(logits);

        int[] order = candidates(logits);
        int n = order.length;
        double max = logits[order[0]];
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[order[i]] - max));
            sum += p[i];
        }
        // top-p: the smallest prefix whose probability reaches topP
        if (s.topP() < 1) {
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= s.topP()) { n = i + 1; break; }
            }
        }
        // min-p: drop tokens less likely than minP times the most likely one
        if (s.minP() > 0) {
            int keep = 1;
            while (keep < n && p[keep] >= s.minP() * p[0]) keep++;
            n = keep;
        }
        // temperature on the survivors, then draw
        double total = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[order[i]] - max) / s.temperature());
            total += p[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < n; i++) {
            r -= p[i];
            if (r <= 0) return order[i];
        }
        return order[n - 1];
    }

    public static int argmax(float[] logits) {
        return argmax(logits, 0, logits.length);
    }

    /** The index (relative to {@code off}) of the largest of {@code logits[off .. off+n)}; the first on ties. */
    public static int argmax(float[] logits, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (logits[off + i] > logits[off + best]) best = i;
        return best;
    }

    private void applyRepeatPenalty(float[] logits) {
        if (s.repeatPenalty() == 1 || recentCount == 0) return;
        boolean[] seen = new boolean[logits.length];
        for (int i = 0; i < recentCount; i++) {
            int t = recent[i];
            if (t < 0 || t >= logits.length || seen[t]) continue;
            seen[t] = true;
            logits[t] = logits[t] > 0 ? logits[t] / s.repeatPenalty() : logits[t] * s.repeatPenalty();
        }
    }

    /** Token ids sorted by logit, descending, cut to top-k. */
    private int[] candidates(float[] logits) {
        // sort (logit, id) pairs packed in longs: the high half orders like the float, the low half keeps the id
        long[] keyed = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff;
            keyed[i] = ((long) sortable << 32) | i;
        }
        java.util.Arrays.sort(keyed);
        int k = s.topK() > 0 ? Math.min(s.topK(), keyed.length) : keyed.length;
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) ids[i] = (int) keyed[keyed.length - 1 - i];
        return ids;
    }
}
