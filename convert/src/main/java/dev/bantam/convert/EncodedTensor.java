package dev.bantam.convert;

import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A tensor encoded to a weight type as it is written: rows are produced and quantized a batch at
 * a time, in parallel, and streamed out, so a multi-gigabyte model never sits in the heap.
 */
public final class EncodedTensor implements GgufWriter.TensorData {
    private static final long BATCH_BYTES = 8 << 20;

    private final WeightType type;
    private final int rows, cols;
    private final RowSource source;
    private final ThreadPool pool;

    public EncodedTensor(WeightType type, int rows, int cols, RowSource source, ThreadPool pool) {
        if (cols % type.blockSize != 0) throw new IllegalArgumentException("row length " + cols + " is not a multiple of the " + type + " block size " + type.blockSize);
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.source = source;
        this.pool = pool;
    }

    @Override
    public long byteSize() {
        return type.bytesFor((long) rows * cols);
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        long rowBytes = type.bytesFor(cols);
        int batchRows = (int) Math.max(1, Math.min(rows, BATCH_BYTES / rowBytes));
        byte[] chunk = new byte[Math.toIntExact(batchRows * rowBytes)];
        try (Arena arena = Arena.ofShared()) { // the pool's threads fill the batch
            MemorySegment batch = arena.allocate(chunk.length);
            for (int first = 0; first < rows; first += batchRows) {
                int start = first, count = Math.min(batchRows, rows - first);
                pool.forRanges(count, (from, to) -> {
                    float[] values = new float[cols];
                    for (int i = from; i < to; i++) {
                        source.row(start + i, values);
                        Kernels.of(type).quantize(values, 0, batch, i * rowBytes, cols);
                    }
                });
                int n = Math.toIntExact(count * rowBytes);
                MemorySegment.copy(batch, ValueLayout.JAVA_BYTE, 0, chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }
}
