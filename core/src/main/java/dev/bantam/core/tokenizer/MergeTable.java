package dev.bantam.core.tokenizer;

import java.util.Arrays;

/**
 * The merge rules of a byte-pair vocabulary: (left id, right id) → (rank, merged id), in an
 * open-addressing table of primitive longs. A {@code HashMap<Long, Long>} of Llama 3's 280,000
 * rules cost a third of a model's load time: boxed keys, and {@code Long.hashCode} (left ^ right)
 * puts many pairs of nearby ids in one bucket, which HashMap then turns into trees.
 */
final class MergeTable {
    /** No rule: ranks and ids are non-negative, so a rule is never -1. */
    static final long NONE = -1;

    private final long[] keys;
    private final long[] rules;
    private final int mask;

    /** Room for {@code capacity} rules at a load factor of at most one half. */
    MergeTable(int capacity) {
        int size = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
        keys = new long[size];
        rules = new long[size];
        Arrays.fill(rules, NONE);
        mask = size - 1;
    }

    /** Adds the rule unless the pair already has one (the first, lowest rank wins, as in Hugging Face). */
    void putIfAbsent(int left, int right, int rank, int merged) {
        long key = key(left, right);
        int i = slot(key);
        while (rules[i] != NONE) {
            if (keys[i] == key) return;
            i = (i + 1) & mask;
        }
        keys[i] = key;
        rules[i] = ((long) rank << 32) | merged;
    }

    /** The rule for the pair as (rank << 32 | merged id), or {@link #NONE}. */
    long get(int left, int right) {
        long key = key(left, right);
        for (int i = slot(key); rules[i] != NONE; i = (i + 1) & mask) {
            if (keys[i] == key) return rules[i];
        }
        return NONE;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFF_FFFFL);
    }

    /** A multiplicative hash (Fibonacci hashing) of both ids, so neighbouring pairs spread over the table. */
    private int slot(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
