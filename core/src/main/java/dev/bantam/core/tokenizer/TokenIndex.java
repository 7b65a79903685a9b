package dev.bantam.core.tokenizer;

/**
 * Token string → id, in an open-addressing table with its own string hash. {@code String.hashCode}
 * (31·h + c) gives short tokens of neighbouring characters the same few values: the 128,256
 * two-character tokens of a synthetic Llama 3 vocabulary have 17,119 distinct hash codes, which
 * made a {@code HashMap} build and search trees of colliding keys at every load.
 */
final class TokenIndex {
    private final String[] keys;
    private final int[] ids;
    private final int mask;

    /** On duplicate strings the first id wins, as in llama.cpp's token_to_id. */
    TokenIndex(String[] tokens) {
        int size = Integer.highestOneBit(Math.max(4, tokens.length) * 2 - 1) << 1;
        keys = new String[size];
        ids = new int[size];
        mask = size - 1;
        for (int id = 0; id < tokens.length; id++) {
            String t = tokens[id];
            int i = slot(t);
            while (keys[i] != null && !keys[i].equals(t)) i = (i + 1) & mask;
            if (keys[i] == null) {
                keys[i] = t;
                ids[i] = id;
            }
        }
    }

    /** The id of {@code token}, or -1. */
    int id(String token) {
        for (int i = slot(token); keys[i] != null; i = (i + 1) & mask) {
            if (keys[i].equals(token)) return ids[i];
        }
        return -1;
    }

    /** Every char mixed in by multiply and rotate (a 64-bit FxHash), then folded to the table's size. */
    private int slot(String s) {
        long h = s.length();
        for (int i = 0; i < s.length(); i++) h = (Long.rotateLeft(h, 5) ^ s.charAt(i)) * 0x517C_C1B7_2722_0A95L;
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
