package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/** IEEE half-precision conversions, scalar and vectorized. */
final class Half {
    private Half() {}

    /**
     * Widens half-precision bit patterns (as sign-extended ints, as S2I gives them) to floats in
     * three operations. Shifted left by 13, the five exponent and ten mantissa bits land in float
     * position and the sign extension fills bits 31..28; masking bits 30..28 leaves the sign in
     * bit 31 and a float 2^-112 times the half, which one multiply by 2^112 re-biases. Subnormal
     * halves land exactly too, so the result is exact for every finite half.
     */
    static FloatVector toFloat(IntVector bits) {
        return bits.lanewise(VectorOperators.LSHL, 13).and(0x8FFF_FFFF).reinterpretAsFloats().mul(0x1p112f);
    }
}
