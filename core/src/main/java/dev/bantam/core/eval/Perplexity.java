package dev.bantam.core.eval;

import dev.bantam.core.backend.InferenceSession;

import java.util.function.Consumer;

/**
 * Perplexity as llama.cpp's perplexity tool computes it: non-overlapping windows of {@code ctx}
 * tokens, each evaluated from an empty cache; only the second half of each window is scored
 * (positions ctx/2 … ctx−2 predicting the next token), so every scored token has at least ctx/2
 * tokens of context. When the model adds BOS, it replaces the first token of each window.
 */
public final class Perplexity {
    private Perplexity() {}

    /** The running result after some windows. {@code ppl ± error}, error as llama.cpp reports it. */
    public record Result(int windows, long scoredTokens, double meanNll, double ppl, double error) {}

    public static Result compute(InferenceSession session, int[] tokens, int ctx, int bosId, Consumer<Result> progress) {
        if (ctx < 4) throw new IllegalArgumentException("context size must be >= 4, got " + ctx);
        int windows = tokens.length / ctx;
        if (windows == 0) {
            throw new IllegalArgumentException("the text has %d tokens, fewer than one window of %d (use a smaller -c)"
                    .formatted(tokens.length, ctx));
        }
        double nll = 0, nll2 = 0;
        long count = 0;
        Result result = null;
        int first = ctx / 2;
        for (int w = 0; w < windows; w++) {
            int[] window = java.util.Arrays.copyOfRange(tokens, w * ctx, (w + 1) * ctx);
            if (bosId >= 0) window[0] = bosId;
            session.reset();
            float[] logits = session.prefillAll(window);
            int vocab = session.vocabSize();
            for (int pos = first; pos < ctx - 1; pos++) {
                double v = -logProbability(logits, pos * vocab, vocab, window[pos + 1]);
                nll += v;
                nll2 += v * v;
                count++;
            }
            result = result(w + 1, count, nll, nll2);
            if (progress != null) progress.accept(result);
        }
        return result;
    }

    private static Result result(int windows, long count, double nll, double nll2) {
        double mean = nll / count;
        double variance = nll2 / count - mean * mean;
        double err = count > 1 ? Math.sqrt(Math.max(0, variance) / (count - 1)) : 0;
        double ppl = Math.exp(mean);
        return new Result(windows, count, mean, ppl, ppl * err);
    }

    /** log softmax(logits)[target], in double for a stable sum over a long text. */
    public static double logProbability(float[] logits, int off, int n, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(logits[off + i] - max);
        return logits[off + target] - max - Math.log(sum);
    }
}
