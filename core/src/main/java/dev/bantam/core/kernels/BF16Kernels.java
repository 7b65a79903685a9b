package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.I;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;
import static dev.bantam.core.kernels.Vec.S;

/** bfloat16: the upper 16 bits of a float32. */
final class BF16Kernels implements WeightKernels {
    static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) load(src, offset + 2L * i).intoArray(dst, dstOff + i);
        for (; i < n; i++) dst[dstOff + i] = toFloat(src.get(SHORT, offset + 2L * i));
    }

    private static FloatVector load(MemorySegment w, long at) {
        return ShortVector.fromMemorySegment(S, w, at, LE).convertShape(VectorOperators.S2I, I, 0)
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Four independent accumulators: with one, the loop runs at FMA latency, not throughput. */
    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            long p = offset + 2L * i;
            a0 = load(w, p).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = load(w, p + 2L * L).fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
            a2 = load(w, p + 4L * L).fma(FloatVector.fromArray(F, x, xOff + i + 2 * L), a2);
            a3 = load(w, p + 6L * L).fma(FloatVector.fromArray(F, x, xOff + i + 3 * L), a3);
        }
        for (; i + L <= n; i += L) a0 = load(w, offset + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += toFloat(w.get(SHORT, offset + 2L * i)) * x[xOff + i];
        return sum;
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
