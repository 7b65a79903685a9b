package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * The driver the load-time repacks share ({@link Q6_KRepack}, {@link Q4_KRepack},
 * {@link Q5_KRepack}): an off-heap copy of a matrix of one file type, its rows split over the
 * pool, each super-block rewritten into a fixed number of bytes of the repacked layout. The
 * mapped file is only read; the copy is freed when the matrix is no longer reachable.
 */
final class RowRepack {
    /** Rewrites the super-block at {@code src[block..]} into {@code dst[at..]}. */
    interface BlockRepack {
        void block(MemorySegment src, long block, MemorySegment dst, long at);
    }

    private RowRepack() {}

    /**
     * The copy of {@code t} (of type {@code from}) read by {@code kernels}, {@code blockBytes} per
     * super-block. {@code perRange} makes one rewriter per range of rows, so that each thread has
     * its own scratch.
     */
    static WeightMatrix repack(ThreadPool pool, TensorView t, WeightType from, WeightKernels kernels, long blockBytes,
                               Supplier<BlockRepack> perRange) {
        return repack(pool, t, from, from.blockSize, kernels, blockBytes, perRange);
    }

    /**
     * As above, {@code unit} values (a whole number of the file type's blocks, which must divide
     * the rows) rewritten at a time into {@code blockBytes}: Q4_0's eight blocks of 32 make one
     * 256-value unit of {@link PairedNibbleKernels}.
     */
    static WeightMatrix repack(ThreadPool pool, TensorView t, WeightType from, int unit, WeightKernels kernels, long blockBytes,
                               Supplier<BlockRepack> perRange) {
        if (t.type() != from) throw new IllegalArgumentException(t.name() + " is " + t.type() + ", not " + from);
        if (t.cols() % unit != 0) throw new IllegalArgumentException(t.name() + ": rows of " + t.cols() + " values are not whole units of " + unit);
        int rows = t.rows(), cols = t.cols(), blocks = cols / unit;
        long rowBytes = blocks * blockBytes, srcRowBytes = t.rowBytes(), srcUnitBytes = (long) unit / from.blockSize * from.blockBytes;
        MemorySegment dst = Arena.ofAuto().allocate(rowBytes * rows, 64);
        MemorySegment src = t.data();
        pool.forRanges(rows, (long) rows * cols, (r0, r1) -> {
            BlockRepack repack = perRange.get();
            for (int r = r0; r < r1; r++) {
                for (int b = 0; b < blocks; b++) {
                    repack.block(src, r * srcRowBytes + b * srcUnitBytes, dst, r * rowBytes + b * blockBytes);
                }
            }
        });
        return new WeightMatrix(t.name(), kernels, dst, rows, cols, rowBytes);
    }
}
