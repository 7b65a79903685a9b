package dev.bantam.convert.hf;

import dev.bantam.convert.RowSource;
import dev.bantam.convert.SafetensorsFile;

/**
 * The rows of a GGUF tensor computed from a Hugging Face tensor, one row at a time, so that a
 * multi-gigabyte checkpoint is converted without holding a tensor in the heap. A GGUF row is
 * {@code ne[0]} values: the innermost PyTorch dimension, except for GPT-2's transposed Conv1D.
 */
public final class RowTransforms {
    private RowTransforms() {}

    /** The tensor as stored: GGUF row r is PyTorch row r (a 1-D tensor is one row). */
    static RowSource identity(SafetensorsFile.Tensor t) {
        return t::row;
    }

    /**
     * Hugging Face rotates the two halves of each head (rotate_half); GGUF's llama rotates adjacent
     * pairs. Reordering each head's rows from [half 0 | half 1] to interleaved pairs makes the two
     * the same function, as llama.cpp's converter does: new row {@code h·hd + 2j + t} is old row
     * {@code h·hd + t·hd/2 + j}. A bias (1-D) is reordered element by element the same way.
     */
    static RowSource ropePermuted(SafetensorsFile.Tensor t, int heads) {
        int outer = Math.toIntExact(t.shape()[0]);
        if (t.shape().length == 1) {
            return (r, out) -> {
                for (int i = 0; i < outer; i++) out[i] = t.get(ropeSourceRow(i, outer, heads));
            };
        }
        return (r, out) -> t.row(ropeSourceRow(r, outer, heads), out);
    }

    /** The source row that lands at row {@code r} of a rope-permuted matrix of {@code rows} rows. */
    public static int ropeSourceRow(int r, int rows, int heads) {
        int hd = rows / heads, half = hd / 2;
        int head = r / hd, k = r % hd;
        return head * hd + (k % 2) * half + k / 2;
    }

    /** GPT-2's Conv1D stores {@code [in, out]}: GGUF row r (output r) is column r. */
    static RowSource transposed(SafetensorsFile.Tensor t) {
        long outDim = t.shape()[1];
        int in = Math.toIntExact(t.shape()[0]);
        return (r, out) -> {
            for (int i = 0; i < in; i++) out[i] = t.get(i * outDim + r);
        };
    }

    /** Gemma stores RMSNorm weights as w and multiplies by 1 + w; GGUF files hold 1 + w (added in f32). */
    static RowSource plusOne(RowSource inner, int cols) {
        return (r, out) -> {
            inner.row(r, out);
            for (int i = 0; i < cols; i++) out[i] += 1.0f;
        };
    }
}
