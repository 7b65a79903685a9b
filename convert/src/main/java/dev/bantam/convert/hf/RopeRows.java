package dev.bantam.convert.hf;

/**
 * The row order of llama q/k projections (architectures.md §6.2). Hugging Face rotates the two
 * halves of each head ({@code rotate_half}); GGUF's llama rotates adjacent pairs, so llama.cpp's
 * converter reorders each head's rows from {@code [half 0 | half 1]} to interleaved pairs:
 * GGUF row {@code h·hd + 2j + t} = HF row {@code h·hd + t·hd/2 + j}. An export undoes that.
 * Works on weight matrices (rows of {@code cols} values) and biases ({@code cols = 1}).
 */
public final class RopeRows {
    private RopeRows() {}

    /** HF order → GGUF order (what a converter does). */
    public static float[] permute(float[] hf, int heads, int cols) {
        return reorder(hf, heads, cols, true);
    }

    /** GGUF order → HF order (what an export does). */
    public static float[] unpermute(float[] gguf, int heads, int cols) {
        return reorder(gguf, heads, cols, false);
    }

    private static float[] reorder(float[] in, int heads, int cols, boolean toGguf) {
        int rows = in.length / cols;
        if (rows * cols != in.length || rows % heads != 0 || (rows / heads) % 2 != 0) {
            throw new IllegalArgumentException("%d values are not %d heads of an even number of rows of %d".formatted(in.length, heads, cols));
        }
        int hd = rows / heads, half = hd / 2;
        float[] out = new float[in.length];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < half; j++) {
                for (int t = 0; t < 2; t++) {
                    int hfRow = h * hd + t * half + j, ggufRow = h * hd + 2 * j + t;
                    int from = toGguf ? hfRow : ggufRow, to = toGguf ? ggufRow : hfRow;
                    System.arraycopy(in, from * cols, out, to * cols, cols);
                }
            }
        }
        return out;
    }
}
