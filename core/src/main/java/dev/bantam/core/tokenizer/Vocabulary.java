package dev.bantam.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Token strings, their types and (SentencePiece only) scores, with a string-to-id index.
 * Plain data, so that GGUF metadata and Hugging Face files build the same tokenizers.
 */
public final class Vocabulary {
    private final String[] tokens;
    private final int[] types;
    private final float[] scores;
    private final TokenIndex ids;

    /**
     * @param types  per token, {@link TokenType}; null means all normal
     * @param scores per token; null means all 0 (byte-level BPE does not use them)
     */
    public Vocabulary(String[] tokens, int[] types, float[] scores) {
        this.tokens = Objects.requireNonNull(tokens, "tokens").clone();
        this.types = types == null ? filled(tokens.length, TokenType.NORMAL) : types.clone();
        this.scores = scores == null ? new float[tokens.length] : scores.clone();
        if (this.types.length != tokens.length || this.scores.length != tokens.length) {
            throw new IllegalArgumentException("vocabulary of %d tokens has %d token types and %d scores"
                    .formatted(tokens.length, this.types.length, this.scores.length));
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) throw new IllegalArgumentException("token " + i + " is null");
        }
        ids = new TokenIndex(this.tokens);
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    public int size() { return tokens.length; }

    public String token(int id) { return tokens[id]; }

    public int type(int id) { return types[id]; }

    public float score(int id) { return scores[id]; }

    /** -1 when absent. */
    public int id(String token) {
        return ids.id(token);
    }

    public boolean contains(int id) { return id >= 0 && id < tokens.length; }

    /** The token's own text as UTF-8 (for control and user-defined tokens, which are stored raw). */
    byte[] rawBytes(int id) { return tokens[id].getBytes(StandardCharsets.UTF_8); }
}
