package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x for x ≤ 0 (softmax after subtracting the maximum) in a dozen vector instructions, within
 * 10⁻⁶ relative of {@link Math#exp} for x ≥ -10 (float rounding of x·log₂e, not the polynomial, sets that): x·log₂e is split into a whole power of two k (rounded by
 * the 1.5·2²³ trick) and a fraction f in [-½, ½], 2^f is a degree-6 Taylor polynomial, and k goes
 * straight into the exponent bits. Tiny models' attention spends most of its time in exp, where
 * the library's vector exp costs several times as much.
 */
final class FastExp {
    private static final float LOG2E = 1.44269504f;
    private static final float ROUND = 12582912f;  // 1.5·2²³: adding it rounds to an integer in the low mantissa bits
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float C1 = 0.6931472f, C2 = 0.2402265f, C3 = 0.05550411f, C4 = 0.009618129f, C5 = 0.001333356f, C6 = 0.0001540353f;

    private FastExp() {}

    static FloatVector ofNonPositive(FloatVector x) {
        FloatVector y = x.max(-87f).mul(LOG2E);
        FloatVector t = y.add(ROUND);
        IntVector k = t.reinterpretAsInts().sub(ROUND_BITS);
        FloatVector f = y.sub(t.sub(ROUND));
        FloatVector p = f.fma(C6, C5).fma(f, FloatVector.broadcast(Vec.F, C4)).fma(f, FloatVector.broadcast(Vec.F, C3))
                .fma(f, FloatVector.broadcast(Vec.F, C2)).fma(f, FloatVector.broadcast(Vec.F, C1)).fma(f, FloatVector.broadcast(Vec.F, 1f));
        return p.reinterpretAsInts().add(k.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
    }
}
