package dev.bantam.testing;

/**
 * How closely two logit matrices {@code [positions][vocab]} agree: the positions, those whose
 * largest logit is the same token (the first on ties), and the largest |difference|. The static
 * helpers compute one of the three alone.
 */
public record Agreement(int positions, int sameTop, float maxAbsDiff) {
    public static Agreement of(float[] expected, float[] actual, int vocab) {
        checkLengths(expected, actual);
        return new Agreement(expected.length / vocab, sameTop(expected, actual, vocab), maxAbsDiff(expected, actual));
    }

    public double topOneRate() { return (double) sameTop / positions; }

    /** The largest |a[i] − b[i]|. */
    public static float maxAbsDiff(float[] a, float[] b) {
        checkLengths(a, b);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    /** Positions (rows of {@code vocab}) whose largest logit is the same token in both. */
    public static int sameTop(float[] a, float[] b, int vocab) {
        checkLengths(a, b);
        int same = 0;
        for (int p = 0; p < a.length / vocab; p++) if (argmax(a, p * vocab, vocab) == argmax(b, p * vocab, vocab)) same++;
        return same;
    }

    /** The index (relative to {@code off}) of the largest of {@code x[off .. off+n)}; the first on ties. */
    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }

    private static void checkLengths(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException(a.length + " vs " + b.length + " logits");
    }
}
