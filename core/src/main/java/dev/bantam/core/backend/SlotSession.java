package dev.bantam.core.backend;

import dev.bantam.core.tokenizer.Tokenizer;

/**
 * Numbered, independent sequences ("slots") for continuous batching: one slot is prefilled while
 * the others keep their caches, and one decode step advances any set of slots together. A slot
 * can be cut back to a prefix (to reuse the KV cache of its previous conversation) or freed.
 * Not thread-safe: one scheduler thread owns it.
 *
 * <p>Opened with {@link InferenceBackend#openSlots}; a backend without a native implementation
 * gets {@link SessionPerSlot}, which is correct but runs the slots one after another.
 */
public interface SlotSession extends AutoCloseable {
    /** How many slots there are, numbered {@code 0 .. slots() - 1}. */
    int slots();

    /** Appends {@code tokens} (at least one) to a slot's sequence; the logits after the last. */
    float[] prefill(int slot, int[] tokens);

    /**
     * Appends {@code tokens[i]} to slot {@code slots[i]} for every listed slot, in one step;
     * their logits, row {@code i} for {@code slots[i]}. Each slot may appear once.
     */
    Logits decode(int[] slots, int[] tokens);

    /** Positions in a slot's cache. */
    int length(int slot);

    /** Keeps only the first {@code keep} positions of a slot ({@code 0 <= keep <= length(slot)}). */
    void truncate(int slot, int keep);

    /** Empties a slot. */
    default void free(int slot) { truncate(slot, 0); }

    /** Whether {@link #decode} runs the slots as one batched pass (false: one after another). */
    boolean batched();

    /** Positions per slot. */
    int contextSize();

    int vocabSize();

    Tokenizer tokenizer();

    default void warmUp() {}

    @Override
    void close();
}
