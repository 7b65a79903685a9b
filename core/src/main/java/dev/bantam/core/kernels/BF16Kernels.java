package dev.bantam.core.kernels;

import java.lang.foreign.MemorySegment;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Vec.L;

/** bfloat16: the upper 16 bits of a float32. */
final class BF16Kernels implements WeightKernels {
    static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) HalfWidthDot.load(src, offset + 2L * i, true).intoArray(dst, dstOff + i);
        for (; i < n; i++) dst[dstOff + i] = toFloat(src.get(SHORT, offset + 2L * i));
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return HalfWidthDot.dot(w, offset, x, xOff, n, true);
    }

    /** Round to nearest even, as llama.cpp converts; NaN stays a quiet NaN. */
    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 64);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        for (int i = 0; i < n; i++) dst.set(SHORT, offset + 2L * i, fromFloat(src[srcOff + i]));
    }
}
