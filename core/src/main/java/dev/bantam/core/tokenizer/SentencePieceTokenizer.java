package dev.bantam.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE as Llama uses it: spaces become {@code ▁} (with one prepended to the text
 * when {@code addSpacePrefix}), the text starts as single characters, and the adjacent pair whose
 * concatenation is a vocabulary piece with the highest score is merged until none is left (ties:
 * leftmost). A final character that is not a piece becomes its UTF-8 bytes as {@code <0xXX>} tokens.
 */
public final class SentencePieceTokenizer extends VocabularyTokenizer {
    private static final char SPACE_MARK = '\u2581';

    private final boolean addSpacePrefix;
    private final int unknownId;
    private final SpecialTokenSplitter splitter;
    /** The id of token {@code <0xXX>} for each byte, -1 if absent. */
    private final int[] byteIds = new int[256];

    /** @param unknownId the id used for a byte that has no {@code <0xXX>} token; -1 to drop it */
    public SentencePieceTokenizer(Vocabulary vocab, SpecialTokens specials, boolean addSpacePrefix, int unknownId) {
        super(vocab, specials);
        this.addSpacePrefix = addSpacePrefix;
        this.unknownId = vocab.contains(unknownId) ? unknownId : -1;
        this.splitter = new SpecialTokenSplitter(vocab);
        for (int b = 0; b < 256; b++) byteIds[b] = vocab.id("<0x%02X>".formatted(b));
        for (int id = 0; id < vocab.size(); id++) tokenBytes[id] = bytesOf(id);
    }

    private byte[] bytesOf(int id) {
        String t = vocab.token(id);
        int type = vocab.type(id);
        if (type == TokenType.BYTE && t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
            int hi = Character.digit(t.charAt(3), 16), lo = Character.digit(t.charAt(4), 16);
            // Character.digit accepts non-ASCII digits too; a byte token is written in ASCII hex only
            if (hi < 0 || lo < 0 || t.charAt(3) > 'f' || t.charAt(4) > 'f') {
                throw new IllegalArgumentException("byte token %d '%s': expected <0xHH> with two hex digits"
                        .formatted(id, dev.bantam.core.format.ModelFormatException.quote(t)));
            }
            return new byte[] {(byte) (hi << 4 | lo)};
        }
        if (type == TokenType.NORMAL || type == TokenType.UNDEFINED || type == TokenType.UNUSED) {
            t = t.replace(SPACE_MARK, ' ');
        }
        return t.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Pieces that merges may produce: as in SentencePiece, control, unknown and byte pieces are
     * never matched by text (so a literal "<0x41>" in the text stays characters). Unused pieces
     * are left out too, which SentencePiece would merge and then split again.
     */
    private int mergeableId(String text) {
        int id = vocab.id(text);
        if (id < 0) return -1;
        int type = vocab.type(id);
        return type == TokenType.NORMAL || type == TokenType.USER_DEFINED || type == TokenType.UNDEFINED ? id : -1;
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 2 + 2);
        if (addBos && specials.bosId() >= 0) out.add(specials.bosId());
        boolean first = true;
        for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
            switch (f) {
                case SpecialTokenSplitter.Special s -> out.add(s.id());
                // Only the start of the text gets the dummy prefix, so that decode, which drops
                // the leading space of a first normal piece, gives the text back exactly.
                case SpecialTokenSplitter.Text t -> encodeText((first && addSpacePrefix ? " " : "") + t.text(), out);
            }
            first = false;
        }
        return out.toArray();
    }

    private record Candidate(float score, int left, int right, int length) {}

    private void encodeText(String raw, IntList out) {
        String text = raw.replace(' ', SPACE_MARK);
        int n = text.codePointCount(0, text.length());
        // Symbols are code points, linked in a list; start/len in chars of `text`.
        int[] start = new int[n];
        int[] len = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0, c = 0; i < n; i++) {
            start[i] = c;
            len[i] = Character.charCount(text.codePointAt(c));
            c += len[i];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) ->
                a.score() != b.score() ? Float.compare(b.score(), a.score()) : Integer.compare(a.left(), b.left()));
        for (int i = 0; i + 1 < n; i++) offer(queue, text, start, len, i, i + 1);
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            // Stale when either side has changed since the candidate was queued.
            if (len[c.left()] == 0 || len[c.right()] == 0 || next[c.left()] != c.right()
                    || len[c.left()] + len[c.right()] != c.length()) {
                continue;
            }
            int l = c.left();
            int r = c.right();
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[l] >= 0) prev[next[l]] = l;
            if (prev[l] >= 0) offer(queue, text, start, len, prev[l], l);
            if (next[l] >= 0) offer(queue, text, start, len, l, next[l]);
        }
        for (int i = 0; i >= 0 && i < n; i = next[i]) {
            String symbol = text.substring(start[i], start[i] + len[i]);
            int id = mergeableId(symbol);
            if (id >= 0) {
                out.add(id);
            } else {
                appendBytes(symbol, out);
            }
        }
    }

    /**
     * Byte fallback: one {@code <0xXX>} token per UTF-8 byte of the symbol as it stands (a space
     * mark stays U+2581, as in SentencePiece and llama.cpp).
     */
    private void appendBytes(String symbol, IntList out) {
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
            int id = byteIds[b & 0xFF];
            if (id >= 0) {
                out.add(id);
            } else if (unknownId >= 0) {
                out.add(unknownId);
            }
        }
    }

    private void offer(PriorityQueue<Candidate> queue, String text, int[] start, int[] len, int left, int right) {
        int length = len[left] + len[right];
        int id = mergeableId(text.substring(start[left], start[left] + length));
        if (id >= 0) queue.add(new Candidate(vocab.score(id), left, right, length));
    }

    @Override
    public byte[] decodeBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < ids.length; i++) {
            byte[] b = tokenBytes(ids[i]);
            // Undo the dummy prefix: the space that starts a first normal piece was added by encode.
            int type = vocab.type(ids[i]);
            boolean dropSpace = i == 0 && addSpacePrefix && b.length > 0 && b[0] == ' '
                    && (type == TokenType.NORMAL || type == TokenType.UNDEFINED);
            out.write(b, dropSpace ? 1 : 0, dropSpace ? b.length - 1 : b.length);
        }
        return out.toByteArray();
    }
}
