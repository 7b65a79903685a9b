package dev.bantam.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE (GPT-2, Llama 3, Qwen 2): special tokens are cut out first, the rest is split by
 * the {@link PreTokenizer}, each piece's UTF-8 bytes are mapped to printable chars
 * ({@link ByteLevel}) and merged by merge rank, lowest first, leftmost on ties.
 */
public final class BytePairTokenizer extends VocabularyTokenizer {
    /** Pieces repeat a lot in natural text; past this many distinct ones the cache starts over. */
    private static final int CACHE_LIMIT = 100_000;

    private final PreTokenizer preTokenizer;
    private final SpecialTokenSplitter splitter;
    private final MergeTable merges;
    /** The vocabulary id of each byte's single-char token, -1 if the vocabulary lacks it. */
    private final int[] byteIds = new int[256];
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param merges merge rules in rank order, each a pair of token strings; rules whose parts or
     *               result are not in the vocabulary are ignored (they could never apply)
     */
    public BytePairTokenizer(Vocabulary vocab, List<String[]> merges, PreTokenizer preTokenizer, SpecialTokens specials) {
        super(vocab, specials);
        this.preTokenizer = Objects.requireNonNull(preTokenizer);
        this.splitter = new SpecialTokenSplitter(vocab);
        this.merges = new MergeTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank);
            int left = vocab.id(pair[0]);
            int right = vocab.id(pair[1]);
            int merged = vocab.id(pair[0] + pair[1]);
            if (left < 0 || right < 0 || merged < 0) continue;
            this.merges.putIfAbsent(left, right, rank, merged);
        }
        for (int b = 0; b < 256; b++) byteIds[b] = vocab.id(String.valueOf(ByteLevel.charOf(b)));
        for (int id = 0; id < vocab.size(); id++) {
            tokenBytes[id] = TokenType.isSpecial(vocab.type(id)) ? vocab.rawBytes(id) : ByteLevel.decode(vocab.token(id));
        }
    }

    /** Splits "a b" merge lines (GGUF, vocab.bpe) into pairs. */
    public static List<String[]> parseMerges(String[] lines) {
        return java.util.Arrays.stream(lines).map(line -> {
            // Byte-level tokens never contain a real space (it is mapped to 'Ġ'); searching from
            // index 1 still copes with a vocabulary whose first part is a lone space.
            int sp = line.indexOf(' ', 1);
            if (sp < 0) throw new IllegalArgumentException("merge rule without a space: '" + dev.bantam.core.format.ModelFormatException.quote(line) + "'");
            return new String[] {line.substring(0, sp), line.substring(sp + 1)};
        }).toList();
    }

    public PreTokenizer preTokenizer() { return preTokenizer; }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 2);
        if (addBos && specials.bosId() >= 0) out.add(specials.bosId());
        for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
            switch (f) {
                case SpecialTokenSplitter.Special s -> out.add(s.id());
                case SpecialTokenSplitter.Text t -> {
                    for (String piece : preTokenizer.split(t.text())) out.addAll(encodePiece(piece));
                }
            }
        }
        return out.toArray();
    }

    private int[] encodePiece(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) return cached;
        int[] ids = mergePiece(piece.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(piece, ids);
        return ids;
    }

    /**
     * Rank-ordered merging over a linked list of symbols. The queue holds (rank, position) of
     * candidate pairs; an entry is stale when the pair at its position no longer has that rank
     * (each rank names one pair, so an equal rank means the same pair, still valid).
     */
    private int[] mergePiece(byte[] bytes) {
        if (preTokenizer.wholePieceLookup()) {
            int whole = vocab.id(ByteLevel.encode(bytes));
            if (whole >= 0) return new int[] {whole};
        }
        int n = bytes.length;
        int[] ids = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = byteIds[bytes[i] & 0xFF];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) offer(queue, ids, i, i + 1);
        while (!queue.isEmpty()) {
            long entry = queue.poll();
            int pos = (int) entry;
            long rank = entry >>> 32;
            int right = next[pos];
            if (ids[pos] < 0 || right < 0) continue;
            long rule = merges.get(ids[pos], ids[right]);
            if (rule == MergeTable.NONE || (rule >>> 32) != rank) continue;
            ids[pos] = (int) rule;
            ids[right] = -1; // removed
            next[pos] = next[right];
            if (next[pos] >= 0) prev[next[pos]] = pos;
            if (prev[pos] >= 0) offer(queue, ids, prev[pos], pos);
            if (next[pos] >= 0) offer(queue, ids, pos, next[pos]);
        }
        IntList out = new IntList(n);
        // A byte whose single-char token is missing cannot be encoded; it is dropped, as Hugging
        // Face does for a BPE model without an unknown token.
        for (int i = 0; i >= 0 && i < n; i = next[i]) {
            if (ids[i] >= 0) out.add(ids[i]);
        }
        return out.toArray();
    }

    private void offer(PriorityQueue<Long> queue, int[] ids, int left, int right) {
        if (ids[left] < 0 || ids[right] < 0) return;
        long rule = merges.get(ids[left], ids[right]);
        if (rule != MergeTable.NONE) queue.add((rule & 0xFFFF_FFFF_0000_0000L) | left);
    }

    @Override
    public byte[] decodeBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(tokenBytes(id));
        return out.toByteArray();
    }
}
