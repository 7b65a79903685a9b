package dev.bantam.core.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A tensor in a mapped file: name, type, shape in ggml order ({@code shape[0]} is contiguous)
 * and its bytes. A 2-D tensor is a row-major matrix of {@link #rows()} × {@link #cols()}.
 * Reading the values as floats takes the type's kernels: {@code Kernels.dequantizeRow}.
 */
public record TensorView(String name, WeightType type, long[] shape, MemorySegment data) {

    public long elements() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public int cols() { return Math.toIntExact(shape[0]); }

    public int rows() { return Math.toIntExact(elements() / shape[0]); }

    public long rowBytes() { return type.bytesFor(shape[0]); }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
