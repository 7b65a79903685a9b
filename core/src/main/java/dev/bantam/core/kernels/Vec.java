package dev.bantam.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * The vector shapes every kernel uses, chosen once from the CPU's preferred width: F lanes of
 * float, and the byte/short/int species with the same lane count so that conversions between
 * them are lane-for-lane.
 */
final class Vec {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 8));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /**
     * Bytes (and the same bits as ints) for unpacking the packed levels of a block whole: up to 32
     * bytes at once, the most that one sub-block pair of Q4_K or one Q6_K quarter holds, so that
     * the nibble and bit arithmetic runs once per 32 bytes rather than once per L.
     */
    static final VectorSpecies<Byte> WIDE_B = ByteVector.SPECIES_PREFERRED.vectorBitSize() >= 256
            ? ByteVector.SPECIES_256 : ByteVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> WIDE_I = WIDE_B.withLanes(int.class);

    private Vec() {}

    static String describe() {
        return "Vector API, " + F.vectorBitSize() + "-bit (" + L + " floats)";
    }
}
