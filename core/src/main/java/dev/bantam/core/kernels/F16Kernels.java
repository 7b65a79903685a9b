package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.I;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;
import static dev.bantam.core.kernels.Vec.S;

final class F16Kernels implements WeightKernels {
    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector bits = halves(src, offset + 2L * i);
            // the vector conversion is exact for finite halves only: infinities and NaNs (which a
            // converter must carry through) take the scalar path
            if (bits.and(0x7c00).eq(0x7c00).anyTrue()) break;
            Half.toFloat(bits).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(src.get(SHORT, offset + 2L * i));
    }

    /** L stored halves, sign-extended to ints. */
    private static IntVector halves(MemorySegment w, long at) {
        return (IntVector) ShortVector.fromMemorySegment(S, w, at, LE).convertShape(VectorOperators.S2I, I, 0);
    }

    private static FloatVector load(MemorySegment w, long at) {
        return Half.toFloat(halves(w, at));
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
        for (; i < n; i++) sum += Float.float16ToFloat(w.get(SHORT, offset + 2L * i)) * x[xOff + i];
        return sum;
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        for (int i = 0; i < n; i++) dst.set(SHORT, offset + 2L * i, Float.floatToFloat16(src[srcOff + i]));
    }
}
