package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/** IEEE half-precision conversions, scalar and vectorized. */
final class Half {
    private Half() {}

    /**
     * Widens half-precision bit patterns (as sign-extended ints) to floats. Shifting the 15 magnitude
     * bits into float position and scaling by 2^112 re-biases the exponent; subnormal halves land
     * exactly too, so the result is exact for every finite half.
     */
    static FloatVector toFloat(IntVector bits) {
        FloatVector magnitude = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13)
                .reinterpretAsFloats().mul(0x1p112f);
        return magnitude.reinterpretAsInts().or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }
}
