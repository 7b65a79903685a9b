package dev.bantam.cuda;

import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.SlotSession;
import dev.bantam.core.tokenizer.Tokenizer;

/**
 * The cuda backend's slots for continuous batching: the sequences of one {@link CudaSession}
 * (one upload of the weights, one KV cache region per slot). A prefill runs one slot's tokens
 * alone; a decode step runs the listed slots together, replaying the session's CUDA graph for
 * that many rows whichever slots they are.
 */
final class CudaSlots implements SlotSession {
    private final CudaSession session;

    CudaSlots(CudaSession session) { this.session = session; }

    @Override public int slots() { return session.sequences(); }

    @Override
    public float[] prefill(int slot, int[] tokens) {
        return session.prefillSequence(check(slot), tokens);
    }

    @Override
    public Logits decode(int[] slots, int[] tokens) {
        if (slots.length != tokens.length) throw new IllegalArgumentException(tokens.length + " tokens for " + slots.length + " slots");
        if (slots.length == 0) throw new IllegalArgumentException("no slots to decode");
        for (int i = 0; i < slots.length; i++) {
            check(slots[i]);
            for (int j = 0; j < i; j++) if (slots[j] == slots[i]) throw new IllegalArgumentException("slot " + slots[i] + " listed twice");
        }
        return session.decodeSequences(slots.clone(), tokens.clone());
    }

    @Override public int length(int slot) { return session.length(check(slot)); }

    @Override public void truncate(int slot, int keep) { session.truncate(check(slot), keep); }

    @Override public boolean batched() { return true; }

    @Override public int contextSize() { return session.contextSize(); }

    @Override public int vocabSize() { return session.vocabSize(); }

    @Override public Tokenizer tokenizer() { return session.tokenizer(); }

    @Override public void warmUp() { session.warmUp(); }

    private int check(int slot) {
        if (slot < 0 || slot >= slots()) throw new IllegalArgumentException("slot " + slot + " outside 0.." + (slots() - 1));
        return slot;
    }

    @Override public void close() { session.close(); }
}
