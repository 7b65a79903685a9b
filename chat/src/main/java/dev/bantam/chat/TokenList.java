package dev.bantam.chat;

import java.util.Arrays;

/** The tokens a cache holds, in order: a growable int array. */
final class TokenList {
    private int[] tokens = new int[256];
    private int length;

    int length() { return length; }

    int get(int i) {
        if (i < 0 || i >= length) throw new IndexOutOfBoundsException(i);
        return tokens[i];
    }

    void addAll(int[] more) {
        if (length + more.length > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + more.length));
        System.arraycopy(more, 0, tokens, length, more.length);
        length += more.length;
    }

    void truncate(int n) {
        length = Math.min(length, Math.max(0, n));
    }
}
