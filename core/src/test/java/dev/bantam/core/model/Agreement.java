package dev.bantam.core.model;

/** How closely two logit matrices {@code [positions][vocab]} agree. */
record Agreement(int positions, int sameTop, float maxAbsDiff) {
    static Agreement of(float[] expected, float[] actual, int vocab) {
        if (expected.length != actual.length) throw new IllegalArgumentException(expected.length + " vs " + actual.length + " logits");
        int positions = expected.length / vocab, same = 0;
        float max = 0;
        for (int p = 0; p < positions; p++) {
            int a = 0, b = 0;
            for (int v = 0; v < vocab; v++) {
                int i = p * vocab + v;
                max = Math.max(max, Math.abs(expected[i] - actual[i]));
                if (expected[i] > expected[p * vocab + a]) a = v;
                if (actual[i] > actual[p * vocab + b]) b = v;
            }
            if (a == b) same++;
        }
        return new Agreement(positions, same, max);
    }

    double topOneRate() { return (double) sameTop / positions; }
}
