package dev.bantam.game;

import dev.bantam.core.cpu.KvCache;

import java.util.HashMap;
import java.util.Map;

/**
 * Cached KV prefixes keyed by move history: each node holds the keys and values of its own
 * move's tokens (the root: the record's start), so a history's cached prefix is the chain of
 * nodes from the root. The separator that precedes every move after the first is the same text
 * after a given history whatever move follows, so its KV is kept once, on the node it follows:
 * the children of a position then run only their move's own tokens. Memory is bounded: past {@code maxBytes} the least recently used nodes go
 * first. A lookup touches every node of its path from the deepest up to the root, so a node is
 * always more recently used than all its descendants and eviction only ever removes leaves.
 */
final class PrefixTrie {
    /** One cached move (or the root) and the KV of its tokens. */
    static final class Node {
        final Node parent;
        final String move;
        /** Positions before this node's tokens. */
        final int start;
        final KvCache.Segment kv;
        /** KV of the separator after this node's tokens (null until a child has computed it; never on the root). */
        KvCache.Segment separator;
        final int depth;
        final Map<String, Node> children = new HashMap<>(4);
        /** The network's output at this history, once computed. */
        Evaluation evaluation;
        Node newer, older;
        boolean evicted;

        Node(Node parent, String move, int start, KvCache.Segment kv) {
            this.parent = parent;
            this.move = move;
            this.start = start;
            this.kv = kv;
            this.depth = parent == null ? 0 : parent.depth + 1;
        }

        /** Positions up to and including this node's tokens. */
        int end() { return start + kv.length(); }

        int depth() { return depth; }
    }

    private final long maxBytes;
    private final Node root;
    /** LRU list: {@code oldest} … {@code newest} over every node but the root. */
    private Node oldest, newest;
    private long bytes;
    private int nodes;
    private long evictions;

    PrefixTrie(KvCache.Segment startKv, long maxBytes) {
        this.root = new Node(null, null, 0, startKv);
        this.maxBytes = maxBytes;
    }

    Node root() { return root; }

    long bytes() { return bytes; }

    int size() { return nodes; }

    long evictions() { return evictions; }

    /** The deepest cached node along {@code moves}; touches the path. */
    Node longestPrefix(java.util.List<String> moves) {
        Node n = root;
        for (String m : moves) {
            Node child = n.children.get(m);
            if (child == null) break;
            n = child;
        }
        touchPath(n);
        return n;
    }

    /** Caches {@code move}'s own KV under {@code parent}, placed after the parent's separator (if the move is not the first). */
    Node add(Node parent, String move, KvCache.Segment kv, int separatorLength) {
        Node n = new Node(parent, move, parent.end() + (parent.depth >= 1 ? separatorLength : 0), kv);
        parent.children.put(move, n);
        bytes += kv.bytes();
        nodes++;
        touchPath(n);
        return n;
    }

    /** Caches the separator's KV after {@code node}. */
    void setSeparator(Node node, KvCache.Segment kv) {
        node.separator = kv;
        bytes += kv.bytes();
    }

    /** Evicts least recently used nodes until within the budget, sparing {@code keep} and its ancestors. */
    void evict(java.util.Set<Node> keep) {
        Node n = oldest;
        while (bytes > maxBytes && n != null) {
            Node next = n.newer;
            if (n.children.isEmpty() && !keep.contains(n)) remove(n);
            n = next;
        }
    }

    private void remove(Node n) {
        unlink(n);
        n.parent.children.remove(n.move);
        n.evicted = true;
        bytes -= n.kv.bytes() + (n.separator == null ? 0 : n.separator.bytes());
        nodes--;
        evictions++;
    }

    private void touchPath(Node deepest) {
        for (Node n = deepest; n != root; n = n.parent) touch(n);
    }

    private void touch(Node n) {
        if (newest == n) return;
        if (n.older != null || n.newer != null || oldest == n) unlink(n);
        n.older = newest;
        if (newest != null) newest.newer = n;
        newest = n;
        if (oldest == null) oldest = n;
    }

    private void unlink(Node n) {
        if (n.older != null) n.older.newer = n.newer; else oldest = n.newer;
        if (n.newer != null) n.newer.older = n.older; else newest = n.older;
        n.older = n.newer = null;
    }
}
