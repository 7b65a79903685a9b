package dev.bantam.chat;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.tokenizer.Tokenizer;

/**
 * A cache on any backend of the SPI, as a batch of one. The SPI appends and resets but cannot
 * drop the end of a cache, so a turn whose tokens differ from the cache before its end starts
 * again from an empty cache; a turn that extends the cache (the usual case) computes only the new
 * tokens.
 */
final class SpiContext implements TokenContext {
    private final InferenceSession session;
    private final String backend;
    private final TokenList tokens = new TokenList();
    private boolean started;

    SpiContext(InferenceSession session, String backend) {
        this.session = session;
        this.backend = backend;
    }

    @Override public int length() { return tokens.length(); }

    @Override public int token(int i) { return tokens.get(i); }

    @Override
    public float[] append(int[] more) {
        // the first call after a reset starts the batch; later ones add to it (same as decode for one token)
        float[] logits = started && more.length == 1
                ? session.decode(more).row(0)
                : session.prefill(new int[][] {more}).row(0);
        started = true;
        tokens.addAll(more);
        return logits;
    }

    @Override
    public void keep(int n) {
        if (n >= tokens.length()) return;
        session.reset();
        started = false;
        tokens.truncate(0);
    }

    @Override public int contextSize() { return session.contextSize(); }

    @Override public Tokenizer tokenizer() { return session.tokenizer(); }

    @Override public String backend() { return backend; }

    @Override public void close() { session.close(); }
}
