package dev.bantam.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns token ids, fed one at a time, into text as soon as it is complete: a token may end in the
 * middle of a UTF-8 sequence (byte-level BPE, byte fallback), so the bytes of an unfinished
 * character are held until the tokens that complete it arrive. The concatenated output equals
 * {@link Tokenizer#decode} of all ids fed (for valid UTF-8).
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private boolean atStart;
    private byte[] pending = new byte[0];

    /**
     * @param atStartOfText true when the first id fed starts the text, so that its first piece is
     *                      treated as {@code decode} treats it (SentencePiece drops the dummy
     *                      prefix space); false when continuing after a prompt
     */
    public StreamingDecoder(Tokenizer tokenizer, boolean atStartOfText) {
        this.tokenizer = tokenizer;
        this.atStart = atStartOfText;
    }

    public StreamingDecoder(Tokenizer tokenizer) { this(tokenizer, true); }

    /** The text completed by this token; empty while a character is still incomplete. */
    public String feed(int id) {
        byte[] bytes = atStart ? tokenizer.decodeBytes(new int[] {id}) : tokenizer.tokenBytes(id);
        atStart = false;
        ByteArrayOutputStream buf = new ByteArrayOutputStream(pending.length + bytes.length);
        buf.writeBytes(pending);
        buf.writeBytes(bytes);
        byte[] all = buf.toByteArray();
        int complete = completePrefixLength(all);
        pending = Arrays.copyOfRange(all, complete, all.length);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is still held (an unfinished character, shown as U+FFFD); resets the decoder. */
    public String flush() {
        String rest = new String(pending, StandardCharsets.UTF_8);
        pending = new byte[0];
        return rest;
    }

    /**
     * The length of the prefix that does not end inside a UTF-8 sequence: a trailing lead byte
     * whose continuation bytes have not all arrived is held back. Invalid bytes are let through
     * (they decode to U+FFFD either way).
     */
    static int completePrefixLength(byte[] b) {
        int n = b.length;
        // A sequence is at most 4 bytes, so only the last 3 bytes can start an unfinished one.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int v = b[n - back] & 0xFF;
            if ((v & 0xC0) == 0x80) continue; // continuation byte: look further back
            int need = v >= 0xF0 && v <= 0xF4 ? 4 : v >= 0xE0 && v <= 0xEF ? 3 : v >= 0xC2 && v <= 0xDF ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
