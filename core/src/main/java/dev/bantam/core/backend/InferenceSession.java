package dev.bantam.core.backend;

import dev.bantam.core.tokenizer.Tokenizer;

/**
 * Sequences being evaluated on one backend, each with its own KV cache. Prompts in a batch may
 * have different lengths (ragged); decode then advances every sequence by one token.
 */
public interface InferenceSession extends AutoCloseable {
    /** Appends one prompt per sequence (starting a batch of that size); logits of each last position. */
    Logits prefill(int[][] prompts);

    /** Appends one token to each sequence of the current batch; their logits. */
    Logits decode(int[] nextTokens);

    /**
     * Appends one token to each sequence, as {@link #decode}, and returns each sequence's most
     * likely next token (the lowest index on ties, as {@code Sampler.argmax}) instead of its
     * logits: greedy decoding. A backend whose logits live elsewhere (a GPU) overrides it to pick
     * the token there and hand back only the indices.
     */
    default int[] decodeGreedy(int[] nextTokens) {
        Logits logits = decode(nextTokens);
        float[] l = logits.data();
        int[] next = new int[logits.batch()];
        for (int b = 0; b < next.length; b++) {
            int off = b * logits.vocab(), best = 0;
            for (int i = 1; i < logits.vocab(); i++) if (l[off + i] > l[off + best]) best = i;
            next[b] = best;
        }
        return next;
    }

    /** Batch of one: appends {@code tokens} and returns the logits of every position, {@code [n][vocab]} (perplexity). */
    float[] prefillAll(int[] tokens);

    /** Drops every sequence's cache. */
    void reset();

    int vocabSize();

    /** Positions per sequence. */
    int contextSize();

    /** Runs throw-away work so that later timings do not include JIT compilation or lazy initialization. */
    default void warmUp() {}

    /** Bytes of accelerator memory this session holds (weights, KV cache, scratch), or -1 where it runs on the CPU. */
    default long deviceMemoryBytes() { return -1; }

    /**
     * What the backend did at load that a user may want to see beside the load time (the CPU
     * engine: which weights it repacked, how long that took), one line; empty where nothing.
     */
    default String loadSummary() { return ""; }

    /** The model's tokenizer, so callers need not know where it came from. */
    Tokenizer tokenizer();

    @Override
    void close();
}
