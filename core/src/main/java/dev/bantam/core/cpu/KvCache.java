package dev.bantam.core.cpu;

import dev.bantam.core.model.ModelConfig;

/**
 * Keys and values of every past position, per layer, as float32: {@code [position][kvHeads·headDim]}.
 * Positions beyond {@link #length()} are garbage; the session tracks how many are valid.
 */
public final class KvCache {
    /** Head sizes up to this keep a second, transposed copy of the cache (see {@link #keysT}). */
    static final int TRANSPOSED_MAX_HEAD_DIM = 16;

    final float[][] keys;
    final float[][] values;
    /**
     * For tiny heads only: keys and values again as {@code [kvHead·headDim + d][capacity]}, so that
     * attention of a few new tokens runs over positions as whole vectors instead of over a head
     * of 8 floats at a time. Null for larger heads.
     */
    final float[][] keysT, valuesT;
    private final int capacity;
    private final int kvDim;
    private int length;

    public KvCache(ModelConfig c, int capacity) {
        this.capacity = capacity;
        this.keys = new float[c.layers()][Math.multiplyExact(capacity, c.kvDim())];
        this.values = new float[c.layers()][Math.multiplyExact(capacity, c.kvDim())];
        this.kvDim = c.kvDim();
        boolean transposed = c.headDim() <= TRANSPOSED_MAX_HEAD_DIM;
        this.keysT = transposed ? new float[c.layers()][Math.multiplyExact(capacity, c.kvDim())] : null;
        this.valuesT = transposed ? new float[c.layers()][Math.multiplyExact(capacity, c.kvDim())] : null;
    }

    /** Stores rows {@code [row, row + n)} of {@code k} and {@code v} ({@code [n][kvDim]}) at positions {@code [at, at + n)} of a layer. */
    void write(int layer, float[] k, float[] v, int row, int at, int n) {
        System.arraycopy(k, row * kvDim, keys[layer], at * kvDim, n * kvDim);
        System.arraycopy(v, row * kvDim, values[layer], at * kvDim, n * kvDim);
        if (keysT == null) return;
        float[] kt = keysT[layer], vt = valuesT[layer];
        for (int t = 0; t < n; t++) {
            int src = (row + t) * kvDim, p = at + t;
            for (int j = 0; j < kvDim; j++) {
                kt[j * capacity + p] = k[src + j];
                vt[j * capacity + p] = v[src + j];
            }
        }
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
        for (int l = 0; l < keys.length; l++) write(l, s.keys()[l], s.values()[l], 0, length, s.length());
        length += s.length();
    }

    /** Drops everything after the first {@code keep} positions (prefix reuse). */
    public void truncate(int keep) {
        if (keep < 0 || keep > length) throw new IllegalArgumentException("cannot keep " + keep + " of " + length + " positions");
        length = keep;
    }
}
