package dev.bantam.study.bench;

import java.util.SplittableRandom;

/**
 * Token ids as llama-bench makes them: uniform over the vocabulary from a seeded generator, the
 * first token of a prompt (and of a generation run) being BOS when the model adds one.
 */
public final class RandomTokens {
    private final SplittableRandom random;
    private final int vocabSize;
    private final int bos;

    /** {@code bos} < 0 when the model adds no BOS token. */
    public RandomTokens(long seed, int vocabSize, int bos) {
        this.random = new SplittableRandom(seed);
        this.vocabSize = vocabSize;
        this.bos = bos;
    }

    /** {@code n} tokens, the first BOS when the model adds one. */
    public int[] sequence(int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = i == 0 && bos >= 0 ? bos : random.nextInt(vocabSize);
        return t;
    }
}
