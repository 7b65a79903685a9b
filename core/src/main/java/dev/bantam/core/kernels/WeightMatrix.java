package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix as {@link MatMul} reads it: the kernels of its layout, its bytes and its shape
 * (rows of {@code rowBytes} each). Usually a mapped tensor read by its type's kernels
 * ({@link #of}); the CPU engine may instead hold a copy repacked at load into a layout that its
 * kernels read faster ({@link Q6_KRepack}), which no file type describes.
 */
public record WeightMatrix(String name, WeightKernels kernels, MemorySegment data, int rows, int cols, long rowBytes) {

    /** The mapped tensor as it is stored. */
    public static WeightMatrix of(TensorView t) {
        return new WeightMatrix(t.name(), Kernels.of(t.type()), t.data(), t.rows(), t.cols(), t.rowBytes());
    }
}
