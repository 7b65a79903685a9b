package dev.bantam.core.kernels;

import java.lang.foreign.MemorySegment;

/**
 * What the engine needs from one weight type: turn blocks into floats, and the dot product of a
 * stored row with float32 activations. Offsets are byte offsets into the segment; {@code n} is a
 * multiple of the type's block size. Matrix products are built on these in {@link MatMul}.
 */
public interface WeightKernels {

    /** Writes {@code n} dequantized values starting at byte {@code offset} to {@code dst[dstOff..]}. */
    void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n);

    /** Dot product of {@code n} stored values at byte {@code offset} with {@code x[xOff..xOff+n)}. */
    float dot(MemorySegment w, long offset, float[] x, int xOff, int n);

    /**
     * Encodes {@code n} floats from {@code src[srcOff..]} into this type's blocks at byte
     * {@code offset} of {@code dst} (the inverse of {@link #dequantize}, up to rounding).
     */
    void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n);
}
