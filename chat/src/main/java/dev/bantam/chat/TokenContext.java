package dev.bantam.chat;

import dev.bantam.core.tokenizer.Tokenizer;

/**
 * One sequence's KV cache and the tokens in it, so that a turn can start from what is already
 * there: the conversation is rendered again and only the tokens after the common prefix are
 * computed. Not thread-safe; {@link LanguageModel} serializes access.
 */
interface TokenContext extends AutoCloseable {
    /** The number of tokens in the cache. */
    int length();

    /** The token at cache position {@code i}. */
    int token(int i);

    /** Appends {@code tokens} (at least one) and returns the logits after the last. */
    float[] append(int[] tokens);

    /**
     * Keeps only the first {@code n} tokens. A backend that cannot drop the end of its cache starts
     * again from nothing instead: then {@link #length()} is 0 afterwards.
     */
    void keep(int n);

    int contextSize();

    Tokenizer tokenizer();

    /** The backend's id, for messages. */
    String backend();

    @Override
    void close();
}
