package dev.bantam.core.cpu;

import dev.bantam.core.kernels.Q4_0Repack;
import dev.bantam.core.kernels.Q4_KRepack;
import dev.bantam.core.kernels.Q5_KRepack;
import dev.bantam.core.kernels.Q6_KRepack;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.kernels.WeightMatrix;
import dev.bantam.core.model.Weights;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The {@link Repack} of one load, matrix by matrix as {@link CpuWeights} meets them. A copy that
 * would pass the budget, or whose allocation fails, is not made: that matrix and (after a failed
 * allocation) every later one are read in the file layout, and {@link #finish} prints one line
 * on stderr saying so. After each copy the matrix's mapped pages are released, so that the
 * process does not hold both layouts resident.
 */
final class Repacker {
    /**
     * x86-64's and most aarch64 Linux kernels' page. Where pages are larger the JDK rounds the
     * start down and a neighbour's page is dropped too: that costs the neighbour a page fault, not
     * its bytes, since the mapping is read-only and backed by the file.
     */
    static final long PAGE = 4096;

    private final Repack repack;
    private final ThreadPool pool;
    /** The mapped tensors that the forward pass reads in the file layout whatever is repacked: the embedding lookups. */
    private final List<MemorySegment> stillRead;
    /**
     * Bytes of copies still allowed; -1 until the first covered matrix asks for the direct-memory
     * limit. Not less what is reserved already: a closed model's copies count until the GC frees
     * them, and an allocation that does not fit collects them first (then fails, see below).
     */
    private long left = -1;
    private String failure;
    private int tensors, unpacked;
    private long copyBytes, releasedBytes, unpackedBytes, nanos;

    Repacker(Repack repack, ThreadPool pool, Weights w) {
        this.repack = repack;
        this.pool = pool;
        this.stillRead = Stream.of(w.tokenEmbedding(), w.positionEmbedding()).filter(Objects::nonNull).map(TensorView::data).toList();
    }

    /** {@code t} as the products read it: its repacked copy where the type is covered and the copy fits, else the mapped tensor. */
    WeightMatrix matrix(TensorView t) {
        if (!repack.covers(t.type()) || t.type() == WeightType.Q4_0 && !Q4_0Repack.fits(t)) return WeightMatrix.of(t);
        long bytes = switch (t.type()) {
            case Q6_K -> Q6_KRepack.bytes(t, repack.int8());
            case Q4_K -> Q4_KRepack.bytes(t, repack.int8());
            case Q5_K -> Q5_KRepack.bytes(t);
            case Q4_0 -> Q4_0Repack.bytes(t);
            default -> throw new IllegalStateException("no repack of " + t.type());
        };
        if (left < 0) left = Math.min(repack.budget(), directMemoryLimit());
        if (bytes > left) return unpacked(t, bytes);
        long t0 = System.nanoTime();
        WeightMatrix m;
        try {
            m = switch (t.type()) {
                case Q6_K -> Q6_KRepack.repack(pool, t, repack.int8());
                case Q4_K -> Q4_KRepack.repack(pool, t, repack.int8());
                case Q4_0 -> Q4_0Repack.repack(pool, t);
                default -> Q5_KRepack.repack(pool, t);
            };
        } catch (OutOfMemoryError e) {
            // the JDK has collected garbage and retried before this; later copies would wait as long and fail too
            failure = "allocating a copy failed (" + e.getMessage() + ")";
            left = 0;
            return unpacked(t, bytes);
        }
        left -= bytes;
        tensors++;
        copyBytes += bytes;
        releasedBytes += release(t.data(), stillRead);
        nanos += System.nanoTime() - t0;
        return m;
    }

    private WeightMatrix unpacked(TensorView t, long bytes) {
        unpacked++;
        unpackedBytes += bytes;
        return WeightMatrix.of(t);
    }

    /**
     * What was repacked; where some matrix stayed in the file layout, first one line on stderr
     * with how many and what changes that.
     */
    Repack.Summary finish() {
        if (unpacked > 0) {
            String why = failure != null ? failure : repack.budget() < directMemoryLimit()
                    ? "they would pass the repack budget of " + Repack.Summary.mib(repack.budget())
                    : "they would pass the JVM's direct-memory limit of " + Repack.Summary.mib(directMemoryLimit());
            System.err.printf("bantam: repack: %d of %d matrices (%s of %s of copies) stay in the file layout and decode slower: %s;"
                            + " raise -XX:MaxDirectMemorySize (by default the maximum heap, -Xmx) in BANTAM_JAVA_OPTS,"
                            + " or set -D%s=none to not repack%n", unpacked, unpacked + tensors, Repack.Summary.mib(unpackedBytes),
                    Repack.Summary.mib(unpackedBytes + copyBytes), why, Repack.PROPERTY);
        }
        return new Repack.Summary(tensors, copyBytes, releasedBytes, nanos, unpacked, unpackedBytes);
    }

    /**
     * Drops the resident pages wholly inside {@code data} ({@link MemorySegment#unload}: madvise
     * MADV_DONTNEED on Linux), the bytes dropped. The engine no longer reads a repacked matrix's
     * file bytes; pages it shares with a neighbouring tensor stay, and so does all of it where it
     * overlaps one of {@code stillRead} (an output tied to the token embedding, whose rows the
     * embedding lookup reads). Should anything read them again, the file-backed read-only mapping
     * faults them back in: only memory is at stake, never the values.
     */
    static long release(MemorySegment data, List<MemorySegment> stillRead) {
        if (!data.isMapped()) return 0;
        long start = (data.address() + PAGE - 1) & -PAGE, end = (data.address() + data.byteSize()) & -PAGE;
        if (end <= start) return 0;
        for (MemorySegment s : stillRead) {
            if (s.address() < end && start < s.address() + s.byteSize()) return 0;
        }
        data.asSlice(start - data.address(), end - start).unload();
        return end - start;
    }

    /** The JVM's direct-memory limit: {@code -XX:MaxDirectMemorySize}, by default (0) the maximum heap, as java.nio reads it. */
    static long directMemoryLimit() {
        // the flag from the JVM's arguments: core uses only java.* (CoreDependenciesTest), so not com.sun.management's VM options
        return directMemoryLimit(ManagementFactory.getRuntimeMXBean().getInputArguments(), Runtime.getRuntime().maxMemory());
    }

    /** The last {@code -XX:MaxDirectMemorySize=N[kKmMgGtT]} among {@code jvmArguments}, {@code maxHeap} where none or 0. */
    static long directMemoryLimit(List<String> jvmArguments, long maxHeap) {
        String flag = "-XX:MaxDirectMemorySize=";
        long limit = 0;
        for (String a : jvmArguments) {
            if (!a.startsWith(flag)) continue;
            String v = a.substring(flag.length());
            int shift = switch (Character.toLowerCase(v.charAt(v.length() - 1))) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
            limit = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1)) << shift;
        }
        return limit > 0 ? limit : maxHeap;
    }
}
