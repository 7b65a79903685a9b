package dev.bantam.core.kernels;

import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Vec.L;

final class F16Kernels implements WeightKernels {
    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector bits = HalfWidthDot.bits(src, offset + 2L * i);
            // the vector conversion is exact for finite halves only: infinities and NaNs (which a
            // converter must carry through) take the scalar path
            if (bits.and(0x7c00).eq(0x7c00).anyTrue()) break;
            Half.toFloat(bits).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(src.get(SHORT, offset + 2L * i));
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return HalfWidthDot.dot(w, offset, x, xOff, n, false);
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        for (int i = 0; i < n; i++) dst.set(SHORT, offset + 2L * i, Float.floatToFloat16(src[srcOff + i]));
    }
}
