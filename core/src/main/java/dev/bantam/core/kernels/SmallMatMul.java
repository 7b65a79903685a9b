package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import jdk.incubator.vector.FloatVector;

/**
 * Matrix products of tiny models (width 64 and the like) with a few tokens, from a copy of the
 * weights stored column-major: {@code out[t][r] = Σ_c x[t][c] · Wᵀ[c][r]} broadcasts one input
 * value and multiply-adds whole vectors of outputs, so no horizontal sum is ever needed, where a
 * dot product per output row spends more on its horizontal sum than on its 64 multiplications.
 */
public final class SmallMatMul {
    /** Output vectors per register block. */
    private static final int BLOCK = 4;

    private SmallMatMul() {}

    /** The weight matrix {@code [rows][cols]} as float32 {@code [cols][stride]}, rows zero-padded to whole vectors. */
    public record ColumnMajor(float[] data, int rows, int cols, int stride) {}

    public static ColumnMajor transpose(TensorView w) {
        int rows = w.rows(), cols = w.cols(), stride = (rows + Vec.L - 1) / Vec.L * Vec.L;
        float[] data = new float[cols * stride];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            Kernels.dequantizeRow(w, r, row);
            for (int c = 0; c < cols; c++) data[c * stride + r] = row[c];
        }
        return new ColumnMajor(data, rows, cols, stride);
    }

    /** out[t·rows + r] = W[r] · x[t·cols ..] for tokens t in [0, tokens). */
    public static void matmul(ColumnMajor w, float[] x, int tokens, float[] out, float[] rowBuffer) {
        int rows = w.rows(), cols = w.cols(), stride = w.stride(), L = Vec.L;
        float[] wt = w.data();
        for (int t = 0; t < tokens; t++) {
            int xOff = t * cols, oOff = t * rows;
            int r = 0;
            for (; r + BLOCK * L <= stride; r += BLOCK * L) {
                FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, a2 = a0, a3 = a0;
                for (int c = 0, o = r; c < cols; c++, o += stride) {
                    FloatVector xv = FloatVector.broadcast(Vec.F, x[xOff + c]);
                    a0 = FloatVector.fromArray(Vec.F, wt, o).fma(xv, a0);
                    a1 = FloatVector.fromArray(Vec.F, wt, o + L).fma(xv, a1);
                    a2 = FloatVector.fromArray(Vec.F, wt, o + 2 * L).fma(xv, a2);
                    a3 = FloatVector.fromArray(Vec.F, wt, o + 3 * L).fma(xv, a3);
                }
                store(a0, out, oOff, r, rows, rowBuffer);
                store(a1, out, oOff, r + L, rows, rowBuffer);
                store(a2, out, oOff, r + 2 * L, rows, rowBuffer);
                store(a3, out, oOff, r + 3 * L, rows, rowBuffer);
            }
            for (; r < stride; r += L) {
                FloatVector a = FloatVector.zero(Vec.F);
                for (int c = 0, o = r; c < cols; c++, o += stride) {
                    a = FloatVector.fromArray(Vec.F, wt, o).fma(FloatVector.broadcast(Vec.F, x[xOff + c]), a);
                }
                store(a, out, oOff, r, rows, rowBuffer);
            }
        }
    }

    private static void store(FloatVector v, float[] out, int oOff, int r, int rows, float[] buffer) {
        if (r + Vec.L <= rows) {
            v.intoArray(out, oOff + r);
        } else if (r < rows) {
            v.intoArray(buffer, 0);
            System.arraycopy(buffer, 0, out, oOff + r, rows - r);
        }
    }

    /** Floats a caller's row buffer needs. */
    public static int bufferLength() {
        return Vec.L;
    }
}
