package dev.bantam.core.model;

/**
 * Keys and values of every past position, per layer, as float32: {@code [position][kvHeads·headDim]}.
 * Positions beyond {@link #length()} are garbage; the session tracks how many are valid.
 */
public final class KvCache {
    final float[][] keys;
    final float[][] values;
    private final int capacity;
    private int length;

    public KvCache(ModelConfig c, int capacity) {
        this.capacity = capacity;
        this.keys = new float[c.layers()][Math.multiplyExact(capacity, c.kvDim())];
        this.values = new float[c.layers()][Math.multiplyExact(capacity, c.kvDim())];
    }

    public int capacity() { return capacity; }

    /** Number of positions stored. */
    public int length() { return length; }

    void setLength(int length) { this.length = length; }

    public void clear() { length = 0; }

    /** Drops everything after the first {@code keep} positions (prefix reuse). */
    public void truncate(int keep) {
        if (keep < 0 || keep > length) throw new IllegalArgumentException("cannot keep " + keep + " of " + length + " positions");
        length = keep;
    }
}
