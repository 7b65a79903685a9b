package dev.bantam.cuda;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The weights a decode step's attention asks L2 for (common.cuh's prefetch_next_weights): attention
 * reads a few MB of cache in ~10 µs a layer and leaves DRAM mostly idle, while the products after it
 * (o, then [gate; up], then down) stream their weights. The table names, in the order those
 * products read them, the first {@link #BUDGET} bytes: the o matrix, then the rows that the first
 * blocks of the next products take — for the batch-1 gated epilogue (matvec.cu's {@code _gated}) gate
 * row i and up row ffn + i together, else the rows in order. A block of a matrix-vector launch takes
 * consecutive rows by its index, and the GPU starts blocks roughly in index order, so these are the
 * rows read first, before the streaming of the others evicts them.
 */
final class WeightPrefetch {
    /** PREFETCH_RANGES in common.cuh: (address, bytes) pairs a table holds. */
    static final int RANGES = 6;
    /**
     * Bytes of weights a layer's attention asks L2 for ({@code -Dbantam.cuda.prefetchMB}; 0, the default:
     * none). Off because it measured slower on the H200 (cuda/NOTES.md, sixth session): BF16 B1 950 → 924
     * tok/s at 24 MB, Q8_0 1,240 → 1,119; under ncu the o product read wholly from L2 took 7.0 µs against
     * 7.5 (it is bound by its latency chain, not by bytes), and attention grew 9.9 → 13.6 µs a layer.
     */
    static final long BUDGET = Long.getLong("bantam.cuda.prefetchMB", 0) << 20;

    /** A byte range of device memory, 16-byte aligned at both ends (the bulk prefetch's rule). */
    record Range(long at, long bytes) {}

    private final List<Range> ranges = new ArrayList<>();
    private long left;

    private WeightPrefetch(long budget) {
        this.left = budget;
    }

    /**
     * The ranges after layer {@code layer}'s attention, at most {@link #RANGES} and {@code budget} bytes;
     * {@code gatedEpilogue}: its [gate; up] product runs as the batch-1 gated epilogue (pairs of rows).
     */
    static List<Range> afterAttention(DeviceModel.Layer layer, boolean gatedEpilogue, long budget) {
        WeightPrefetch p = new WeightPrefetch(budget);
        p.rows(layer.attnOut().weight(), 0, layer.attnOut().weight().rows());
        if (layer.gateUp() != null) {
            DeviceMatrix m = layer.gateUp().weight();
            if (gatedEpilogue) p.pairedRows(m, m.rows() / 2);
            else p.rows(m, 0, m.rows());
        } else {
            if (layer.up() != null) p.rows(layer.up().weight(), 0, layer.up().weight().rows());  // CudaForward: up, then gate
            if (layer.gate() != null) p.rows(layer.gate().weight(), 0, layer.gate().weight().rows());
        }
        p.rows(layer.down().weight(), 0, layer.down().weight().rows());
        return List.copyOf(p.ranges);
    }

    /** Rows [from, from + count) of m, as many as the budget and the table hold. */
    private void rows(DeviceMatrix m, int from, int count) {
        long perRow = m.rowBytes() + m.scaleRowBytes();
        int n = (int) Math.min(count, left / perRow);
        if (n <= 0 || ranges.size() + (m.d() != 0 ? 2 : 1) > RANGES) return;
        add(m.q() + from * m.rowBytes(), n * m.rowBytes());
        if (m.d() != 0) add(m.d() + from * m.scaleRowBytes(), n * m.scaleRowBytes());
        left -= n * perRow;
    }

    /** Rows [0, n) and [half, half + n) of m with n as large as the budget allows: the gated epilogue's pairs. */
    private void pairedRows(DeviceMatrix m, int half) {
        long perPair = 2 * (m.rowBytes() + m.scaleRowBytes());
        int n = (int) Math.min(half, left / perPair);
        if (n <= 0 || ranges.size() + (m.d() != 0 ? 4 : 2) > RANGES) return;
        rows(m, 0, n);
        rows(m, half, n);
    }

    /** [at, at + bytes) widened to 16-byte boundaries (allocations are 256-byte aligned: the widening stays inside them). */
    private void add(long at, long bytes) {
        long start = at & ~15L, end = (at + bytes + 15) & ~15L;
        ranges.add(new Range(start, end - start));
    }

    /** The table prefetch_next_weights reads: {@link #RANGES} (address, bytes) pairs, zero where unused. */
    static long upload(Gpu gpu, List<Range> ranges) {
        if (ranges.size() > RANGES) throw new IllegalArgumentException(ranges.size() + " ranges, the table holds " + RANGES);
        long[] table = new long[2 * RANGES];
        for (int i = 0; i < ranges.size(); i++) {
            table[2 * i] = ranges.get(i).at();
            table[2 * i + 1] = ranges.get(i).bytes();
        }
        try (Arena arena = Arena.ofConfined()) {
            return gpu.upload(arena.allocateFrom(JAVA_LONG, table));
        }
    }
}
