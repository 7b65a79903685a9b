package dev.bantam.core.cpu;

import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.SlotSession;
import dev.bantam.core.tokenizer.Tokenizer;

/**
 * The CPU engine's slots: one KV cache per slot over the shared weights. A prefill runs one
 * slot's tokens alone; a decode step runs the listed slots' tokens through the linear layers
 * together ({@link Transformer#decode}), attention per slot over its own cache.
 */
final class CpuSlots implements SlotSession {
    private final Model model;
    private final KvCache[] caches;

    CpuSlots(Model model, int contextSize, int slots) {
        this.model = model;
        this.caches = new KvCache[slots];
        // newSession checks that the caches fit in the heap
        for (int i = 0; i < slots; i++) caches[i] = model.newSession(contextSize).cache();
    }

    @Override public int slots() { return caches.length; }

    @Override
    public float[] prefill(int slot, int[] tokens) {
        return model.transformer().forward(cache(slot), tokens, false);
    }

    @Override
    public Logits decode(int[] slots, int[] tokens) {
        if (slots.length != tokens.length) throw new IllegalArgumentException(tokens.length + " tokens for " + slots.length + " slots");
        if (slots.length == 0) throw new IllegalArgumentException("no slots to decode");
        KvCache[] batch = new KvCache[slots.length];
        for (int i = 0; i < slots.length; i++) {
            batch[i] = cache(slots[i]);
            for (int j = 0; j < i; j++) if (slots[j] == slots[i]) throw new IllegalArgumentException("slot " + slots[i] + " listed twice");
        }
        return new Logits(slots.length, vocabSize(), model.transformer().decode(batch, tokens));
    }

    @Override public int length(int slot) { return cache(slot).length(); }

    @Override public void truncate(int slot, int keep) { cache(slot).truncate(keep); }

    @Override public boolean batched() { return true; }

    @Override public int contextSize() { return caches[0].capacity(); }

    @Override public int vocabSize() { return model.config().vocabSize(); }

    @Override public Tokenizer tokenizer() { return model.tokenizer(); }

    @Override public void warmUp() { model.warmUp(); }

    private KvCache cache(int slot) {
        if (slot < 0 || slot >= caches.length) throw new IllegalArgumentException("slot " + slot + " outside 0.." + (caches.length - 1));
        return caches[slot];
    }

    @Override public void close() { model.close(); }
}
