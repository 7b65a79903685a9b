package dev.bantam.convert;

import dev.bantam.core.tensor.WeightType;

/**
 * The weight type a matrix actually gets: the requested one when its row length is a multiple of
 * the type's block, else the 32-element type llama.cpp falls back to for K-quants (Q4_K → Q5_0,
 * Q5_K → Q5_1, others → Q8_0), and F16 when even that does not fit.
 */
public final class TypeFit {
    private TypeFit() {}

    public static WeightType forRow(WeightType wanted, int cols) {
        if (cols % wanted.blockSize == 0) return wanted;
        WeightType fallback = switch (wanted) {
            case Q4_K -> WeightType.Q5_0;
            case Q5_K -> WeightType.Q5_1;
            default -> WeightType.Q8_0;
        };
        return cols % fallback.blockSize == 0 ? fallback : WeightType.F16;
    }

    /** llama.cpp's {@code general.file_type} code for a file whose matrices are mostly {@code type}. */
    public static int fileType(WeightType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q4_K -> 15;
            case Q5_K -> 17;
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no file type for " + type);
        };
    }
}
