package dev.bantam.core.convert;

import dev.bantam.core.tensor.WeightType;

/**
 * The weight type a matrix actually gets: the requested one when its row length is a multiple of
 * the type's block, else the closest type whose block fits (as llama.cpp falls back for K-quants
 * on rows that are not a multiple of 256).
 */
public final class TypeFit {
    private TypeFit() {}

    public static WeightType forRow(WeightType wanted, int cols) {
        if (cols % wanted.blockSize == 0) return wanted;
        if (cols % WeightType.Q8_0.blockSize == 0) return WeightType.Q8_0;
        return WeightType.F16;
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
