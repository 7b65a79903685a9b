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

    /** Keys and values of a run of positions of every layer, kept outside a cache (a cached prefix). */
    public record Segment(int length, float[][] keys, float[][] values) {
        /** Heap bytes of the keys and values. */
        public long bytes() {
            long n = 0;
            for (float[] k : keys) n += (long) k.length * Float.BYTES;
            return 2 * n;
        }
    }

    /** A copy of positions {@code [from, from + n)} of every layer. */
    public Segment segment(int from, int n) {
        if (from < 0 || n < 0 || from + n > length) throw new IllegalArgumentException("positions [%d, %d) are not all in the cache (%d)".formatted(from, from + n, length));
        int kvd = keys[0].length / capacity;
        float[][] k = new float[keys.length][], v = new float[keys.length][];
        for (int l = 0; l < keys.length; l++) {
            k[l] = java.util.Arrays.copyOfRange(keys[l], from * kvd, (from + n) * kvd);
            v[l] = java.util.Arrays.copyOfRange(values[l], from * kvd, (from + n) * kvd);
        }
        return new Segment(n, k, v);
    }

    /** Appends a segment's positions after the current ones. */
    public void append(Segment s) {
        if (length + s.length() > capacity) throw new IllegalArgumentException("context full: %d cached + %d appended exceed %d".formatted(length, s.length(), capacity));
        int kvd = keys[0].length / capacity;
        for (int l = 0; l < keys.length; l++) {
            System.arraycopy(s.keys()[l], 0, keys[l], length * kvd, s.length() * kvd);
            System.arraycopy(s.values()[l], 0, values[l], length * kvd, s.length() * kvd);
        }
        length += s.length();
    }

    /** Drops everything after the first {@code keep} positions (prefix reuse). */
    public void truncate(int keep) {
        if (keep < 0 || keep > length) throw new IllegalArgumentException("cannot keep " + keep + " of " + length + " positions");
        length = keep;
    }
}
