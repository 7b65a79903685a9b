package dev.bantam.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * A fixed permutation of a super-block's 256 level bytes, held in four 64-byte vectors, back into
 * column order: each 64-byte output is two two-source byte permutes (vpermi2b), blended.
 * The int8-activation layouts ({@link PairedNibbleKernels}, {@link PairedByteKernels}) store their
 * levels in the order their integer lanes read them; prefill reads them through this, eight
 * permutes and four blends per 256 levels, then converts the bytes to floats. (Converting the
 * permuted registers' parts directly, without the byte array, ran at two thirds the speed.) It loads
 * the levels itself, so that no vector crosses a call that C2 may leave out of line (it did for a
 * caller's loop, and the vectors went through the heap: 2.5 rather than 7 Gelem/s).
 */
final class LevelPermute {
    static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_512;
    /**
     * Whether the CPU runs 512-bit vectors, which the int8-activation layouts are written for:
     * their 16 integer lanes are one super-block's 16 scales (as two 256-bit halves, in a test,
     * Q4_K's ran at half the speed), and the permutes here are 64 bytes wide.
     */
    static final boolean AVAILABLE = jdk.incubator.vector.IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    /**
     * Per output vector u, the source of each byte as 64·v + i (0..255): selectFrom on (s0, s1)
     * and on (s2, s3) takes it modulo 128, and its top bit says which of the two to keep. Loaded
     * into a vector where it is used, not held as one: a ByteVector read from a field or an array
     * has no exact type for C2, which then called selectFrom out of line (and its scalar fallback)
     * in some runs, halving prefill.
     */
    private final byte[][] index = new byte[4][64];
    /** Whether the 256 levels are 128 bytes of nibbles (sources: low, high nibbles of the first 64 bytes, then of the next) or 256 bytes. */
    private final boolean nibbles;

    /**
     * {@code sourceOf[c] = 64·v + i}: column c's level is byte i of source vector v (v = 0..3);
     * with {@code nibbles} the sources are the low and the high nibbles of bytes 0..63, then of
     * bytes 64..127, else the four 64-byte runs.
     */
    LevelPermute(int[] sourceOf, boolean nibbles) {
        this.nibbles = nibbles;
        if (sourceOf.length != 256) throw new IllegalArgumentException("a permutation of 256 levels, got " + sourceOf.length);
        for (int c = 0; c < 256; c++) index[c / 64][c % 64] = (byte) sourceOf[c];
    }

    /** The 256 levels stored at {@code w[at..]}, in column order, to {@code out[0..256)}. */
    void toColumnOrder(MemorySegment w, long at, byte[] out) {
        ByteVector s0, s1, s2, s3;
        if (nibbles) {
            ByteVector r0 = ByteVector.fromMemorySegment(B64, w, at, Vec.LE), r1 = ByteVector.fromMemorySegment(B64, w, at + 64, Vec.LE);
            // Blocks.highNibbles spelled out: that helper, shared by vectors of every size, was
            // compiled on its own and called here, and its reinterpretations ran the Vector API's
            // scalar fallback (JFR: 2% of a Q4_K_M run under it)
            s0 = r0.and((byte) 0x0F);
            s1 = r0.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
            s2 = r1.and((byte) 0x0F);
            s3 = r1.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
        } else {
            s0 = ByteVector.fromMemorySegment(B64, w, at, Vec.LE);
            s1 = ByteVector.fromMemorySegment(B64, w, at + 64, Vec.LE);
            s2 = ByteVector.fromMemorySegment(B64, w, at + 128, Vec.LE);
            s3 = ByteVector.fromMemorySegment(B64, w, at + 192, Vec.LE);
        }
        for (int u = 0; u < 4; u++) {
            ByteVector from = ByteVector.fromArray(B64, index[u], 0);
            from.selectFrom(s0, s1).blend(from.selectFrom(s2, s3), from.lt((byte) 0)).intoArray(out, 64 * u);
        }
    }
}
