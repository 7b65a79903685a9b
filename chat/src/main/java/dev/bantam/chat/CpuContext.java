package dev.bantam.chat;

import dev.bantam.core.cpu.Model;
import dev.bantam.core.cpu.Session;
import dev.bantam.core.tokenizer.Tokenizer;

/**
 * The CPU engine's cache, used directly rather than through the SPI because its {@link Session}
 * can rewind: when a turn's tokens differ from the cache near the end (the last reply tokenizes
 * differently once it is part of the conversation), only the tokens after the difference are
 * computed again.
 */
final class CpuContext implements TokenContext {
    private final Model model;
    private final Session session;
    private final TokenList tokens = new TokenList();

    CpuContext(Model model, int contextSize) {
        this.model = model;
        this.session = model.newSession(contextSize);
    }

    @Override public int length() { return tokens.length(); }

    @Override public int token(int i) { return tokens.get(i); }

    @Override
    public float[] append(int[] more) {
        float[] logits = session.prefill(more);
        tokens.addAll(more);
        return logits;
    }

    @Override
    public void keep(int n) {
        session.rewind(n);
        tokens.truncate(n);
    }

    @Override public int contextSize() { return session.contextSize(); }

    @Override public Tokenizer tokenizer() { return model.tokenizer(); }

    @Override public String backend() { return "cpu"; }

    @Override public void close() { model.close(); }
}
