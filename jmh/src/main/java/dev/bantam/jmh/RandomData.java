package dev.bantam.jmh;

import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Random test data: a rows × cols weight matrix in a given type (quantized by its own kernel) and activations. */
final class RandomData {
    private RandomData() {}

    static TensorView matrix(Arena arena, WeightType type, int rows, int cols, long seed) {
        if (!Kernels.supports(type)) {
            throw new IllegalArgumentException("weight type " + type + " has no kernels; run with -p type=" + BenchmarksMain.kernelTypes());
        }
        long rowBytes = type.bytesFor(cols);
        MemorySegment data = arena.allocate(rowBytes * rows, 64);
        float[] row = new float[cols];
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) row[c] = (float) (random.nextGaussian() * 0.02);
            Kernels.of(type).quantize(row, 0, data, r * rowBytes, cols);
        }
        return new TensorView("w", type, new long[] {cols, rows}, data);
    }

    static float[] activations(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
