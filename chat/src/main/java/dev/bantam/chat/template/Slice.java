package dev.bantam.chat.template;

/** Python's slice semantics ({@code x[start:stop:step]}, negative and missing bounds, clamping). */
final class Slice {
    private Slice() {}

    /** The indices that {@code [start:stop:step]} (any of them null) selects from a sequence of {@code length}. */
    static int[] indices(int length, Object[] bounds) {
        Long step = number(bounds, 2);
        long s = step == null ? 1 : step;
        if (s == 0) throw new IllegalArgumentException("slice step cannot be zero");
        Long startArg = number(bounds, 0), stopArg = number(bounds, 1);
        long start, stop;
        if (s > 0) {
            start = startArg == null ? 0 : clamp(startArg, length, 0, length);
            stop = stopArg == null ? length : clamp(stopArg, length, 0, length);
        } else {
            start = startArg == null ? length - 1 : clamp(startArg, length, -1, length - 1);
            stop = stopArg == null ? -1 : clamp(stopArg, length, -1, length - 1);
        }
        int n = (int) Math.max(0, s > 0 ? (stop - start + s - 1) / s : (start - stop - s - 1) / -s);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = (int) (start + i * s);
        return out;
    }

    /** A bound as Python adjusts it: negative counts from the end, then clamped to [lo, hi]. */
    private static long clamp(long v, int length, long lo, long hi) {
        if (v < 0) v += length;
        return Math.max(lo, Math.min(hi, v));
    }

    private static Long number(Object[] bounds, int i) {
        if (i >= bounds.length || bounds[i] == null) return null;
        if (bounds[i] instanceof Number n) return n.longValue();
        throw new IllegalArgumentException("slice indices must be integers or None, got " + bounds[i]);
    }
}
