package dev.bantam.core.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Text to token ids and back. Implementations are immutable and safe to share between threads
 * (their piece caches are concurrent).
 */
public interface Tokenizer {

    /**
     * @param addBos       prepend the BOS token (ignored when the vocabulary has none)
     * @param parseSpecial recognize control and user-defined tokens written in the text
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /** The text of {@code ids}; byte-exact, so {@code decode(encode(s)) == s}. */
    default String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /**
     * The raw bytes that {@link #decode} turns into text. Equal to the concatenation of
     * {@link #tokenBytes} except where a tokenizer edits the start of the text (SentencePiece
     * drops the space it prepended while encoding).
     */
    byte[] decodeBytes(int[] ids);

    /** The raw bytes of one token (for streaming; may be part of a UTF-8 sequence). */
    byte[] tokenBytes(int id);

    /** The token as stored in the vocabulary (byte-level or {@code ▁} form). */
    String piece(int id);

    int vocabSize();

    /** -1 when the vocabulary has none. */
    int bosId();

    /** -1 when the vocabulary has none. */
    int eosId();

    boolean addBosByDefault();

    /** True for EOS and end-of-turn tokens: generation stops there. */
    boolean isEndOfGeneration(int id);
}
