package dev.bantam.game;

import dev.bantam.core.cpu.KvCache;
import dev.bantam.core.cpu.Model;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.cpu.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates positions on Bantam's own engine. With prefix reuse, the KV of every evaluated
 * history stays in a {@link PrefixTrie}; a new history runs only the tokens of the moves after its
 * longest cached prefix. A batch runs as one forward pass: each history gets a working cache (a
 * slot) already holding as much of its prefix as possible, the rest of the prefix is copied in
 * from the trie, and the new tokens of all histories go through the layers together.
 *
 * <p>Without reuse every history is recomputed from its first token (the baseline). Thread-safe:
 * calls are serialized, since the engine's own parallelism is inside the forward pass.
 */
public final class EngineEvaluator implements PositionEvaluator {
    /** Default memory for cached prefixes. */
    public static final long DEFAULT_CACHE_BYTES = 256L << 20;
    /**
     * Most positions a working cache holds. A game record (42 moves of four-in-a-row, a start
     * token, separators) needs about a hundred; the file's context_length is untrusted and can
     * say 2^31-1, so a slot is sized by the smaller of the two, never by the file alone.
     */
    static final int MAX_GAME_CONTEXT = 2048;

    private final Transformer transformer;
    private final PolicyValueHeads heads;
    private final RecordFormat format;
    private final ModelConfig config;
    private final PrefixTrie trie;
    private final List<Slot> slots = new ArrayList<>();
    private final int capacity;
    private long tokensComputed, evaluations, cacheHits;

    /** A working KV cache and the trie nodes whose KV it holds, root first (then, if flagged, the last node's separator). */
    private static final class Slot {
        final KvCache cache;
        final List<PrefixTrie.Node> path = new ArrayList<>();
        boolean trailingSeparator;

        Slot(KvCache cache) { this.cache = cache; }
    }

    /**
     * @param prefixReuse keep and reuse the KV of evaluated histories (false: recompute each one)
     * @param cacheBytes  memory bound of the cached prefixes
     */
    public EngineEvaluator(Model model, boolean prefixReuse, long cacheBytes) {
        this.transformer = model.transformer();
        this.config = model.config();
        this.heads = PolicyValueHeads.load(model.file(), config.dim());
        this.format = heads.format();
        this.capacity = slotCapacity(model.file().path().getFileName().toString(), config);
        KvCache.Segment start;
        Evaluation atStart = null;
        int[] startTokens = format.startTokens();
        if (startTokens.length > 0) {
            Slot s = slot(0);
            float[] hidden = new float[config.dim()];
            transformer.forwardHidden(new KvCache[] {s.cache}, new int[][] {startTokens}, hidden);
            start = s.cache.segment(0, startTokens.length);
            atStart = heads.apply(hidden, 0);
            s.cache.clear();
        } else {
            KvCache empty = new KvCache(config, 1);
            start = empty.segment(0, 0);
        }
        this.trie = prefixReuse ? new PrefixTrie(start, cacheBytes) : null;
        if (trie != null) trie.root().evaluation = atStart;
    }

    /**
     * The positions of one working cache: the file's context, capped by {@link #MAX_GAME_CONTEXT};
     * its bytes (computed in long) must fit in a quarter of the heap, or the file is refused
     * with one line before anything is allocated.
     */
    static int slotCapacity(String file, ModelConfig c) {
        int capacity = Math.min(c.contextLength(), MAX_GAME_CONTEXT);
        long floats = (long) c.layers() * capacity * c.kvDim();
        long bytes = floats * Float.BYTES * (c.headDim() <= 16 ? 4 : 2);
        long budget = Runtime.getRuntime().maxMemory() / 4;
        if ((long) capacity * c.kvDim() > Integer.MAX_VALUE - 8 || bytes / Float.BYTES / (c.headDim() <= 16 ? 4 : 2) != floats || bytes > budget) {
            throw new dev.bantam.core.format.ModelFormatException("%s: a KV cache of %d positions × %d layers × %d would take %,d bytes (limit %,d: a quarter of the heap)"
                    .formatted(file, capacity, c.layers(), c.kvDim(), bytes, budget));
        }
        return capacity;
    }

    public EngineEvaluator(Model model, boolean prefixReuse) {
        this(model, prefixReuse, DEFAULT_CACHE_BYTES);
    }

    @Override
    public int policySize() { return heads.policySize(); }

    public RecordFormat format() { return format; }

    public boolean prefixReuse() { return trie != null; }

    /** Tokens run through the network so far (new tokens only, with reuse). */
    public synchronized long tokensComputed() { return tokensComputed; }

    /** Histories answered from the cache without running the network. */
    public synchronized long cacheHits() { return cacheHits; }

    public synchronized long evaluations() { return evaluations; }

    /** Bytes of KV held by cached prefixes (0 without reuse). */
    public synchronized long cachedBytes() { return trie == null ? 0 : trie.bytes(); }

    /** Number of cached histories. */
    public synchronized int cachedPrefixes() { return trie == null ? 0 : trie.size(); }

    @Override
    public synchronized List<Evaluation> evaluateBatch(List<List<String>> histories) {
        int n = histories.size();
        Evaluation[] results = new Evaluation[n];
        evaluations += n;
        // each distinct history runs once per batch
        Map<List<String>, Integer> first = new HashMap<>();
        List<Integer> todo = new ArrayList<>();
        PrefixTrie.Node[] prefix = new PrefixTrie.Node[n];
        for (int i = 0; i < n; i++) {
            List<String> h = histories.get(i);
            if (h.isEmpty() && format.start().isEmpty()) throw new IllegalArgumentException("an empty game record has no tokens to evaluate");
            if (trie != null) {
                PrefixTrie.Node p = trie.longestPrefix(h);
                if (p.depth() == h.size() && p.evaluation != null) {
                    results[i] = p.evaluation;
                    cacheHits++;
                    continue;
                }
                prefix[i] = p;
            }
            if (first.putIfAbsent(h, i) == null) todo.add(i);
        }
        if (!todo.isEmpty()) run(histories, todo, prefix, results);
        for (int i = 0; i < n; i++) if (results[i] == null) results[i] = results[first.get(histories.get(i))];
        return Arrays.asList(results);
    }

    private void run(List<List<String>> histories, List<Integer> todo, PrefixTrie.Node[] prefix, Evaluation[] results) {
        int b = todo.size();
        KvCache[] caches = new KvCache[b];
        int[][] tokens = new int[b][];
        Slot[] used = new Slot[b];
        int[] firstNew = new int[b];
        boolean[] withSeparator = new boolean[b];
        while (slots.size() < b) slots.add(new Slot(new KvCache(config, capacity)));
        Set<Slot> free = new HashSet<>(slots);
        for (int j = 0; j < b; j++) {
            int i = todo.get(j);
            List<String> h = histories.get(i);
            if (trie == null) {
                Slot s = free.iterator().next();
                free.remove(s);
                s.cache.clear();
                used[j] = s;
                tokens[j] = format.tokens(h);
                continue;
            }
            PrefixTrie.Node p = prefix[i];
            // a cached history without an output (an inner node of a longer one): rerun its last move
            if (p.depth() == h.size()) p = p.parent;
            firstNew[j] = p == null ? -1 : p.depth();
            // the separator before the first new move is cached when a sibling computed it
            withSeparator[j] = p != null && p.depth() >= 1 && p.separator != null;
            List<PrefixTrie.Node> path = p == null ? List.of() : pathTo(p);
            Slot s = bestSlot(free, path);
            free.remove(s);
            load(s, path, withSeparator[j]);
            used[j] = s;
            tokens[j] = p == null ? format.startTokens() : newTokens(h, firstNew[j], withSeparator[j]);
        }
        for (int j = 0; j < b; j++) {
            caches[j] = used[j].cache;
            tokensComputed += tokens[j].length;
        }
        float[] hidden = new float[b * config.dim()];
        transformer.forwardHidden(caches, tokens, hidden);
        Set<PrefixTrie.Node> leaves = new HashSet<>();
        for (int j = 0; j < b; j++) {
            int i = todo.get(j);
            Evaluation e = heads.apply(hidden, j * config.dim());
            results[i] = e;
            if (trie != null) leaves.add(remember(used[j], histories.get(i), firstNew[j], withSeparator[j], e));
        }
        if (trie != null) trie.evict(leaves);
    }

    /** Adds a node (and the separator before it) for every move the slot just computed; returns the history's node. */
    private PrefixTrie.Node remember(Slot s, List<String> h, int firstNew, boolean withSeparator, Evaluation e) {
        s.trailingSeparator = false;
        if (firstNew < 0) {
            trie.root().evaluation = e;
            s.path.clear();
            s.path.add(trie.root());
            return trie.root();
        }
        int sep = separatorLength();
        PrefixTrie.Node node = s.path.getLast();
        int pos = node.end() + (withSeparator ? sep : 0);
        for (int m = firstNew; m < h.size(); m++) {
            if (m >= 1 && !(m == firstNew && withSeparator)) {
                if (node.separator == null) trie.setSeparator(node, s.cache.segment(pos, sep));
                pos += sep;
            }
            int len = format.bareMoveTokens(h.get(m)).length;
            PrefixTrie.Node existing = node.children.get(h.get(m));
            // an existing child is the rerun inner node: its KV is cached already
            node = existing != null ? existing : trie.add(node, h.get(m), s.cache.segment(pos, len), sep);
            pos += len;
            s.path.add(node);
        }
        node.evaluation = e;
        return node;
    }

    private int separatorLength() {
        return format.separatorTokens().length;
    }

    /** Tokens of moves {@code from}… of {@code h}, the first one's separator left out when it is cached. */
    private int[] newTokens(List<String> h, int from, boolean separatorCached) {
        int total = 0;
        int[][] chunks = new int[h.size() - from][];
        for (int m = from; m < h.size(); m++) {
            int[] c = m == from && separatorCached ? format.bareMoveTokens(h.get(m)) : format.moveTokens(m, h.get(m));
            total += (chunks[m - from] = c).length;
        }
        int[] out = new int[total];
        int off = 0;
        for (int[] c : chunks) {
            System.arraycopy(c, 0, out, off, c.length);
            off += c.length;
        }
        return out;
    }

    private static List<PrefixTrie.Node> pathTo(PrefixTrie.Node node) {
        List<PrefixTrie.Node> path = new ArrayList<>();
        for (PrefixTrie.Node n = node; n != null; n = n.parent) path.add(n);
        Collections.reverse(path);
        return path;
    }

    /** The free slot whose cache shares the most positions with {@code path}. */
    private static Slot bestSlot(Set<Slot> free, List<PrefixTrie.Node> path) {
        Slot best = null;
        int bestShared = -1;
        for (Slot s : free) {
            int shared = shared(s.path, path);
            int positions = shared == 0 ? 0 : path.get(shared - 1).end();
            if (positions > bestShared) {
                best = s;
                bestShared = positions;
            }
        }
        return best;
    }

    private static int shared(List<PrefixTrie.Node> a, List<PrefixTrie.Node> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i) == b.get(i)) i++;
        return i;
    }

    /**
     * Makes the slot's cache hold exactly the KV of {@code path} (and, with {@code withSeparator},
     * the separator after its last node), copying in only what differs from what it holds.
     */
    private void load(Slot s, List<PrefixTrie.Node> path, boolean withSeparator) {
        int keep = shared(s.path, path);
        int end = keep == 0 ? 0 : path.get(keep - 1).end();
        // the slot's trailing separator is the one the target needs next, if the target goes on from there
        boolean separatorLoaded = s.trailingSeparator && keep == s.path.size() && (keep < path.size() || withSeparator);
        if (separatorLoaded) end += separatorLength();
        s.cache.truncate(end);
        while (s.path.size() > keep) s.path.removeLast();
        for (int i = keep; i < path.size(); i++) {
            PrefixTrie.Node n = path.get(i);
            if (n.depth() >= 2 && !separatorLoaded) s.cache.append(path.get(i - 1).separator);
            separatorLoaded = false;
            s.cache.append(n.kv);
            s.path.add(n);
        }
        if (withSeparator && !separatorLoaded) s.cache.append(path.getLast().separator);
        s.trailingSeparator = withSeparator;
    }

    private Slot slot(int index) {
        while (slots.size() <= index) slots.add(new Slot(new KvCache(config, capacity)));
        return slots.get(index);
    }
}
