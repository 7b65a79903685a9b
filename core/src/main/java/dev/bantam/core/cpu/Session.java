package dev.bantam.core.cpu;

/**
 * One sequence being evaluated: a KV cache and the forward pass over it. Not thread-safe; use one
 * session per concurrent sequence.
 */
public final class Session {
    private final Transformer transformer;
    private final KvCache cache;

    Session(Transformer transformer, KvCache cache) {
        this.transformer = transformer;
        this.cache = cache;
    }

    /** Appends {@code tokens}; returns the logits of the last one. */
    public float[] prefill(int[] tokens) {
        return transformer.forward(cache, tokens, false);
    }

    /** Appends {@code tokens}; returns logits of every one, {@code [tokens.length][vocab]} row-major. */
    public float[] prefillAll(int[] tokens) {
        return transformer.forward(cache, tokens, true);
    }

    /** Appends one token; returns its logits. */
    public float[] decode(int token) {
        return transformer.forward(cache, new int[] {token}, false);
    }

    KvCache cache() { return cache; }

    /** Number of positions in the cache. */
    public int position() { return cache.length(); }

    public int contextSize() { return cache.capacity(); }

    public int vocabSize() { return transformer.config().vocabSize(); }

    /** Drops the cache. */
    public void reset() { cache.clear(); }

    /** Keeps only the first {@code positions} of the cache, so a shared prefix is not recomputed. */
    public void rewind(int positions) { cache.truncate(positions); }
}
