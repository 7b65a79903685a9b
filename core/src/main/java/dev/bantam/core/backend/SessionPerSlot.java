package dev.bantam.core.backend;

import dev.bantam.core.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * {@link SlotSession} over any backend: each slot is an {@link InferenceSession} of batch one,
 * and decode runs the listed slots one after another. Correct, not batched. The plain SPI
 * cannot drop the end of a cache, so {@link #truncate} to a non-empty prefix resets the slot's
 * session and prefills the kept tokens again.
 */
public final class SessionPerSlot implements SlotSession {
    private final List<InferenceSession> sessions;
    /** The tokens in each slot's cache. */
    private final int[][] tokens;
    private final int[] lengths;
    private final boolean[] started;

    public SessionPerSlot(List<InferenceSession> sessions) {
        if (sessions.isEmpty()) throw new IllegalArgumentException("no sessions for the slots");
        this.sessions = List.copyOf(sessions);
        int ctx = sessions.getFirst().contextSize();
        this.tokens = new int[sessions.size()][ctx];
        this.lengths = new int[sessions.size()];
        this.started = new boolean[sessions.size()];
    }

    @Override public int slots() { return sessions.size(); }

    @Override
    public float[] prefill(int slot, int[] more) {
        if (more.length == 0) throw new IllegalArgumentException("slot " + slot + ": no tokens to prefill");
        room(slot, more.length);
        InferenceSession s = sessions.get(slot);
        float[] logits;
        if (!started[slot]) {
            logits = s.prefill(new int[][] {more}).row(0);
            started[slot] = true;
        } else {
            // the SPI appends to a running batch one token at a time
            logits = null;
            for (int t : more) logits = s.decode(new int[] {t}).row(0);
        }
        System.arraycopy(more, 0, tokens[slot], lengths[slot], more.length);
        lengths[slot] += more.length;
        return logits;
    }

    @Override
    public Logits decode(int[] slots, int[] next) {
        if (slots.length != next.length) throw new IllegalArgumentException(next.length + " tokens for " + slots.length + " slots");
        int vocab = vocabSize();
        float[] out = new float[slots.length * vocab];
        for (int i = 0; i < slots.length; i++) {
            System.arraycopy(prefill(slots[i], new int[] {next[i]}), 0, out, i * vocab, vocab);
        }
        return new Logits(slots.length, vocab, out);
    }

    @Override public int length(int slot) { return lengths[slot]; }

    @Override
    public void truncate(int slot, int keep) {
        if (keep < 0 || keep > lengths[slot]) throw new IllegalArgumentException("slot %d: cannot keep %d of %d positions".formatted(slot, keep, lengths[slot]));
        if (keep == lengths[slot]) return;
        int[] kept = Arrays.copyOf(tokens[slot], keep);
        sessions.get(slot).reset();
        started[slot] = false;
        lengths[slot] = 0;
        if (keep > 0) prefill(slot, kept);
    }

    @Override public boolean batched() { return false; }

    @Override public int contextSize() { return sessions.getFirst().contextSize(); }

    @Override public int vocabSize() { return sessions.getFirst().vocabSize(); }

    @Override public Tokenizer tokenizer() { return sessions.getFirst().tokenizer(); }

    @Override public void warmUp() { sessions.getFirst().warmUp(); }

    private void room(int slot, int n) {
        if (lengths[slot] + n > contextSize()) {
            throw new IllegalArgumentException("slot %d: context full: %d cached + %d new tokens exceed %d".formatted(slot, lengths[slot], n, contextSize()));
        }
    }

    @Override
    public void close() {
        for (InferenceSession s : sessions) s.close();
    }
}
