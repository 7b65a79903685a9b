package dev.bantam.jmh;

import dev.bantam.core.kernels.MatMul;
import dev.bantam.core.kernels.Q4_0Repack;
import dev.bantam.core.kernels.Q4_KRepack;
import dev.bantam.core.kernels.Q5_KRepack;
import dev.bantam.core.kernels.Q6_KRepack;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.kernels.WeightMatrix;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * Decode matvec speed per weight type in GB/s of weight bytes read, beside the machine's read
 * bandwidth measured the same way (a vector sum over a buffer of the same size). A matrix far
 * larger than the last-level cache shows how near a kernel comes to the memory roofline; a small
 * one that stays in L2 shows its compute speed, the ceiling it would have with infinite bandwidth.
 * A standalone harness rather than JMH: one figure per type and thread count in seconds.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.bantam.jmh.KernelBandwidth [MiB] [threads,...] [TYPE,...]</pre>
 *
 * A type may also name a load-time layout ({@link #LAYOUTS}), made from its file type as
 * {@code -Dbantam.repack} makes it; its matrices hold as many values as the file type's, in the
 * layout's bytes, and the line names the kernels that ran (where the CPU lacks 512-bit vectors an
 * {@code _INT8} layout falls back to its float-activation form, as at load).
 */
public final class KernelBandwidth {
    private static final VectorSpecies<Long> LV = LongVector.SPECIES_PREFERRED;
    private static final int COLS = 2048;
    private static final int DISTINCT_ROWS = 256;
    private static final double SECONDS = 1.5;
    /** The load-time layouts by name: the file type each is made from, and how. */
    private static final Map<String, Layout> LAYOUTS = Map.of(
            "Q6_K_REPACKED", new Layout(WeightType.Q6_K, Q6_KRepack::repack),   // float activations, 10 bits a value
            "Q4_K_SPLIT", new Layout(WeightType.Q4_K, Q4_KRepack::repack),      // scales apart, 6 bits
            "Q5_K_SPLIT", new Layout(WeightType.Q5_K, Q5_KRepack::repack),      // scales apart, 7 bits
            "Q4_K_INT8", new Layout(WeightType.Q4_K, (pool, t) -> Q4_KRepack.repack(pool, t, true)),  // int8 activations, 4.75 bits
            "Q6_K_INT8", new Layout(WeightType.Q6_K, (pool, t) -> Q6_KRepack.repack(pool, t, true)),  // 8.625 bits
            "Q4_0_INT8", new Layout(WeightType.Q4_0, Q4_0Repack::repack));       // 5 bits

    private record Layout(WeightType from, BiFunction<ThreadPool, TensorView, WeightMatrix> make) {}

    private KernelBandwidth() {}

    public static void main(String[] args) {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int[] threads = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 2};
        List<String> types = new ArrayList<>();
        if (args.length > 2) types.addAll(List.of(args[2].split(",")));
        else for (WeightType t : new WeightType[] {WeightType.Q4_K, WeightType.Q6_K, WeightType.Q4_0, WeightType.Q8_0,
                WeightType.F16, WeightType.BF16, WeightType.Q5_K, WeightType.F32}) types.add(t.name());
        try (Arena arena = Arena.ofShared()) {
            for (int t : threads) {
                try (ThreadPool pool = new ThreadPool(t)) {
                    MemorySegment buffer = arena.allocate((long) mib << 20, 64);
                    buffer.fill((byte) 1);
                    double read = best(() -> readSum(pool, buffer), buffer.byteSize());
                    System.out.printf(Locale.ROOT, "threads %d  read-sum %d MiB: %.1f GB/s%n", t, mib, read);
                    for (String type : types) {
                        WeightMatrix big = matrix(arena, pool, type, (long) mib << 20);
                        WeightMatrix small = matrix(arena, pool, type, 512 << 10);
                        double dram = matvecRate(pool, big), cached = matvecRate(pool, small);
                        System.out.printf(Locale.ROOT, "threads %d  %-13s DRAM %6.1f GB/s (%3.0f%% of read, %.2f Gelem/s)   cached %6.1f GB/s  (%.2f Gelem/s)  %s%n",
                                t, type, dram, 100 * dram / read, dram / big.rowBytes() * COLS, cached, cached / small.rowBytes() * COLS,
                                big.kernels().getClass().getSimpleName());
                    }
                }
            }
        }
    }

    /** A {@link #tiled} matrix of the type named, repacked after tiling where it names a layout (sized as its source). */
    private static WeightMatrix matrix(Arena arena, ThreadPool pool, String type, long bytes) {
        Layout layout = LAYOUTS.get(type);
        if (layout != null) return layout.make().apply(pool, tiled(arena, layout.from(), bytes));
        return WeightMatrix.of(tiled(arena, WeightType.valueOf(type), bytes));
    }

    /** Rows of COLS columns filling about {@code bytes}: DISTINCT_ROWS quantized rows repeated (the values do not change the speed). */
    private static TensorView tiled(Arena arena, WeightType type, long bytes) {
        long rowBytes = type.bytesFor(COLS);
        int rows = (int) Math.max(DISTINCT_ROWS, bytes / rowBytes / DISTINCT_ROWS * DISTINCT_ROWS);
        TensorView seed = RandomData.matrix(arena, type, DISTINCT_ROWS, COLS, 7);
        MemorySegment data = arena.allocate(rowBytes * rows, 64);
        for (long off = 0; off < data.byteSize(); off += seed.data().byteSize()) {
            MemorySegment.copy(seed.data(), 0, data, off, Math.min(seed.data().byteSize(), data.byteSize() - off));
        }
        return new TensorView(type.name(), type, new long[] {COLS, rows}, data);
    }

    private static double matvecRate(ThreadPool pool, WeightMatrix w) {
        float[] x = RandomData.activations(w.cols(), 3), out = new float[w.rows()];
        return best(() -> {
            MatMul.matvec(pool, w, x, 0, out, 0);
            return (long) Float.floatToRawIntBits(out[0]);
        }, w.data().byteSize());
    }

    /** Best GB/s over repeated runs after a warm-up of the same length (C2 needs it). */
    private static double best(java.util.function.LongSupplier run, long bytes) {
        long sink = 0;
        for (int pass = 0; pass < 2; pass++) {
            double bestNs = Double.MAX_VALUE;
            long end = System.nanoTime() + (long) (SECONDS * 1e9);
            do {
                long t0 = System.nanoTime();
                sink += run.getAsLong();
                bestNs = Math.min(bestNs, System.nanoTime() - t0);
            } while (System.nanoTime() < end);
            if (pass == 1) {
                if (sink == 42) System.out.print(""); // the results are used, so the JIT cannot drop the work
                return bytes / bestNs;
            }
        }
        throw new AssertionError();
    }

    /** Σ of the buffer's longs, split over the pool as the matvec rows are. */
    private static long readSum(ThreadPool pool, MemorySegment buffer) {
        int chunks = 4096;
        long chunkBytes = buffer.byteSize() / chunks;
        AtomicLong total = new AtomicLong();
        pool.forRanges(chunks, (c0, c1) -> {
            LongVector acc0 = LongVector.zero(LV), acc1 = acc0;
            int step = LV.vectorByteSize();
            for (long p = c0 * chunkBytes, end = c1 * chunkBytes; p < end; p += 2L * step) {
                acc0 = acc0.add(LongVector.fromMemorySegment(LV, buffer, p, ByteOrder.LITTLE_ENDIAN));
                acc1 = acc1.add(LongVector.fromMemorySegment(LV, buffer, p + step, ByteOrder.LITTLE_ENDIAN));
            }
            total.addAndGet(acc0.add(acc1).reduceLanes(VectorOperators.ADD));
        });
        return total.get();
    }
}
