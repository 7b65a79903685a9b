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

/**
 * The dot product of F16 and BF16 rows: one loop, the two types differing only in how 16 stored
 * bits widen to a float. {@code bf16} is a constant at each caller, so the JIT folds the choice.
 */
final class HalfWidthDot {
    private HalfWidthDot() {}

    /** L stored 16-bit values at byte {@code at}, sign-extended to ints. */
    static IntVector bits(MemorySegment w, long at) {
        return (IntVector) ShortVector.fromMemorySegment(S, w, at, LE).convertShape(VectorOperators.S2I, I, 0);
    }

    /** L stored values as floats: bfloat16 is a float's upper half; F16 through {@link Half#toFloat}. */
    static FloatVector load(MemorySegment w, long at, boolean bf16) {
        IntVector bits = bits(w, at);
        return bf16 ? bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats() : Half.toFloat(bits);
    }

    /** One stored value as a float, for the scalar tail. */
    static float value(MemorySegment w, long at, boolean bf16) {
        short bits = w.get(SHORT, at);
        return bf16 ? BF16Kernels.toFloat(bits) : Float.float16ToFloat(bits);
    }

    /** Four independent accumulators: with one, the loop runs at FMA latency, not throughput. */
    static float dot(MemorySegment w, long offset, float[] x, int xOff, int n, boolean bf16) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            long p = offset + 2L * i;
            a0 = load(w, p, bf16).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = load(w, p + 2L * L, bf16).fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
            a2 = load(w, p + 4L * L, bf16).fma(FloatVector.fromArray(F, x, xOff + i + 2 * L), a2);
            a3 = load(w, p + 6L * L, bf16).fma(FloatVector.fromArray(F, x, xOff + i + 3 * L), a3);
        }
        for (; i + L <= n; i += L) a0 = load(w, offset + 2L * i, bf16).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += value(w, offset + 2L * i, bf16) * x[xOff + i];
        return sum;
    }
}
