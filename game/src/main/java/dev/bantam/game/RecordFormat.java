package dev.bantam.game;

import java.util.List;

/**
 * How a move history becomes the text a network reads: {@code start} followed by the moves
 * joined by {@code separator} ({@code "^c3 b2 d4"}), one token per ASCII character. Splitting the
 * text into a chunk per move is what lets a cache key its prefixes by move.
 */
public record RecordFormat(String start, String separator) {
    public static final RecordFormat PLAIN = new RecordFormat("", " ");
    public static final RecordFormat CARET = new RecordFormat("^", " ");

    /** Tokens of the text before the first move. */
    public int[] startTokens() {
        return codes(start);
    }

    /** Tokens of move {@code index} (0-based), its separator included. */
    public int[] moveTokens(int index, String move) {
        return codes(index == 0 ? move : separator + move);
    }

    /** The whole record's text. */
    public String text(List<String> moves) {
        return start + String.join(separator, moves);
    }

    /** Tokens of the separator that comes before every move but the first. */
    public int[] separatorTokens() {
        return codes(separator);
    }

    /** Tokens of a move's own text, without its separator. */
    public int[] bareMoveTokens(String move) {
        return codes(move);
    }

    /** Tokens of the whole record. */
    public int[] tokens(List<String> moves) {
        return codes(text(moves));
    }

    private static int[] codes(String s) {
        int[] out = new int[s.length()];
        for (int i = 0; i < out.length; i++) {
            char ch = s.charAt(i);
            if (ch >= 128) throw new IllegalArgumentException("game record character '" + ch + "' is not ASCII");
            out[i] = ch;
        }
        return out;
    }
}
