package dev.bantam.study.bench;

import dev.bantam.core.kernels.ThreadPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Main-memory bandwidth measured as STREAM's triad, a[i] = b[i] + s·c[i], over three float arrays
 * far larger than the last-level cache, split over {@code threads} threads. Bytes moved per pass
 * are counted as STREAM counts them: two arrays read and one written, 3 · n · 4 bytes (the
 * write-allocate read of {@code a} is not counted). The result is the best of {@code passes}
 * timed passes, after one untimed pass that touches every page.
 */
public final class StreamTriad {
    /** 32 Mi floats: 128 MiB per array, 384 MiB in all, far past a 32 MiB L3. */
    public static final int DEFAULT_FLOATS = 32 << 20;
    public static final int DEFAULT_PASSES = 10;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private StreamTriad() {}

    /** Result of a measurement: best bandwidth in GB/s (10⁹ bytes/s), and what it was measured on. */
    public record Result(double bestGBs, int threads, int floatsPerArray, int passes) {
        public long totalBytes() { return 3L * floatsPerArray * Float.BYTES; }
    }

    public static Result measure(int threads) {
        return measure(threads, DEFAULT_FLOATS, DEFAULT_PASSES);
    }

    public static Result measure(int threads, int floats, int passes) {
        float[] a = new float[floats], b = new float[floats], c = new float[floats];
        java.util.Arrays.fill(b, 1f);
        java.util.Arrays.fill(c, 2f);
        float s = 3f;
        long bytes = 3L * floats * Float.BYTES;
        long best = Long.MAX_VALUE;
        try (ThreadPool pool = new ThreadPool(threads)) {
            int blocks = Math.max(1, floats / (64 * 1024));
            int blockSize = (floats + blocks - 1) / blocks;
            ThreadPool.RangeBody body = (start, end) -> {
                for (int blk = start; blk < end; blk++) triad(a, b, c, s, blk * blockSize, Math.min(floats, (blk + 1) * blockSize));
            };
            for (int pass = 0; pass <= passes; pass++) {
                long t0 = System.nanoTime();
                pool.forRanges(blocks, body);
                long t = System.nanoTime() - t0;
                if (pass > 0) best = Math.min(best, t);
            }
        }
        if (a[floats - 1] != 7f) throw new IllegalStateException("triad computed " + a[floats - 1] + ", expected 7");
        return new Result(bytes / (double) best, threads, floats, passes);
    }

    private static void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
        int i = from;
        int upper = from + F.loopBound(to - from);
        FloatVector sv = FloatVector.broadcast(F, s);
        for (; i < upper; i += F.length()) {
            FloatVector.fromArray(F, c, i).fma(sv, FloatVector.fromArray(F, b, i)).intoArray(a, i);
        }
        for (; i < to; i++) a[i] = b[i] + s * c[i];
    }
}
