package dev.bantam.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * The shapes and steps of the int8 dot products ({@link Int8Dot}): 16 weight levels as bytes,
 * widened to 16 shorts, multiplied by 16 short activation levels (a product of int8 values fits
 * in 16 bits), adjacent products summed into 8 ints, converted to 8 floats and scaled. The Vector
 * API has no widening multiply-add (x86's vpmaddubsw/vpmaddwd), so the pair sum is two shifts
 * and an add on the products seen as ints. 256-bit shorts are used on every CPU that has them:
 * a block of 32 values is then two whole vectors, without cross-lane shuffles, and AMD's Zen 4
 * runs 512-bit integer ops as two 256-bit halves anyway.
 */
final class Int8Lanes {
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    /** Whether these shapes run as SIMD here (the preferred width is at least 256 bits). */
    static final boolean AVAILABLE = Vec.F.vectorBitSize() >= 256;

    private Int8Lanes() {}

    /** 16 signed bytes at {@code at}, widened to shorts. */
    static ShortVector widen(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, w, at, Vec.LE).convertShape(VectorOperators.B2S, S16, 0);
    }

    /** 16 byte lanes widened to shorts. */
    static ShortVector widen(ByteVector q) {
        return (ShortVector) q.convertShape(VectorOperators.B2S, S16, 0);
    }

    /** 16 short activation levels from {@code x.q[at..]}. */
    static ShortVector levels(Int8Activations x, int at) {
        return ShortVector.fromArray(S16, x.q, at);
    }

    /** p[2i] + p[2i+1] as 8 ints: the low half sign-extended by a shift pair, the high half by one arithmetic shift. */
    static IntVector pairSum(ShortVector p) {
        IntVector v = p.reinterpretAsInts();
        return v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(v.lanewise(VectorOperators.ASHR, 16));
    }

    /** The pair sums as floats. */
    static FloatVector pairSumFloat(ShortVector p) {
        return (FloatVector) pairSum(p).convert(VectorOperators.I2F, 0);
    }
}
