package dev.bantam.core.kernels;

/**
 * Shared pieces of the block quantizers: the rounding helpers and the scale searches that
 * llama.cpp's reference quantizers use, so that files we write match its quantize tool. All
 * arithmetic is float and in the reference's order: the searches compare sums of squares, and a
 * different rounding can flip which candidate scale wins.
 */
final class QuantSearch {
    /** Below this the group counts as all zeros (ggml's GROUP_MAX_EPS). */
    static final float GROUP_MAX_EPS = 1e-15f;

    private QuantSearch() {}

    /** The value of largest magnitude in x[off, off + n) (the first on ties), with its sign: llama.cpp's block "max". */
    static float signedAbsMax(float[] x, int off, int n) {
        float amax = 0, max = 0;
        for (int j = 0; j < n; j++) {
            float v = x[off + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    /** Smallest value, compared with {@code <} as the C reference does (so 0.0 stays ahead of −0.0). */
    static float min(float[] x, int off, int n) {
        float min = Float.MAX_VALUE;
        for (int j = 0; j < n; j++) if (x[off + j] < min) min = x[off + j];
        return min;
    }

    /** Largest value, compared with {@code >} as the C reference does. */
    static float max(float[] x, int off, int n) {
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < n; j++) if (x[off + j] > max) max = x[off + j];
        return max;
    }

    /** ggml's nearest_int: round half to even (it adds 1.5·2^23 and reads the mantissa). */
    static int nearestInt(float f) {
        return (int) Math.rint(f);
    }

    /**
     * The 6-bit scale ({@code which = 0}) or min ({@code which = 1}) of sub-block {@code j} from the
     * 12 packed bytes of a Q4_K/Q5_K block, given as bytes 0..7 ({@code lo}) and 8..11 ({@code hi}).
     */
    static int scaleMin(long lo, int hi, int j, int which) {
        if (j < 4) return (int) (lo >>> (8 * (j + 4 * which))) & 63;
        int low = (hi >>> (8 * (j - 4))) & 0xFF;
        int top = (int) (lo >>> (8 * (j - 4 + 4 * which))) & 0xC0;
        return (which == 0 ? low & 15 : low >>> 4) | (top >>> 2);
    }

    /**
     * Scale and min for one sub-block of an affine K-quant (levels 0..nmax): start from the
     * min/max grid, then try nstep+1 stretched grids, each refitted by weighted least squares, and
     * keep the one with the smallest weighted error (make_qkx2_quants). Writes the levels to
     * {@code levels[lOff..]}, returns the scale and stores the (positive) min in {@code outMin[0]}.
     */
    static float affineScaleSearch(int n, int nmax, float[] x, int xOff, float[] weights, int[] levels, int lOff,
                                   float[] outMin, int[] aux, float rmin, float rdelta, int nstep) {
        float min = x[xOff], max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; i++) {
            float v = x[xOff + i];
            if (v < min) min = v;
            if (v > max) max = v;
            float w = weights[i];
            sumW += w;
            sumX += w * v;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) levels[lOff + i] = 0;
            outMin[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestErr = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.clamp(nearestInt(iscale * (x[xOff + i] - min)), 0, nmax);
            levels[lOff + i] = l;
            float diff = scale * l + min - x[xOff + i];
            bestErr += weights[i] * (diff * diff);
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.clamp(nearestInt(iscale * (x[xOff + i] - min)), 0, nmax);
                aux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[xOff + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float err = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[xOff + i];
                    err += weights[i] * (diff * diff);
                }
                if (err < bestErr) {
                    System.arraycopy(aux, 0, levels, lOff, n);
                    bestErr = err;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        outMin[0] = -min;
        return scale;
    }

    /**
     * Scale of one sub-block of a symmetric quant (levels -nmax..nmax-1, stored +nmax): the scale
     * that maps the largest magnitude to -nmax, then 18 nearby scales, each refitted by least
     * squares weighted with x² (make_qx_quants with rmse_type 1 and no importance weights).
     */
    static float symmetricScaleSearch(int n, int nmax, float[] x, int xOff, int[] levels, int lOff) {
        float max = 0, amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) levels[lOff + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        float sumLX = 0, sumL2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            int l = Math.clamp(nearestInt(iscale * v), -nmax, nmax - 1);
            levels[lOff + i] = l + nmax;
            float w = v * v;
            sumLX += w * v * l;
            sumL2 += w * l * l;
        }
        float scale = sumL2 != 0 ? sumLX / sumL2 : 0f;
        float best = scale * sumLX;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xOff + i];
                int l = Math.clamp(nearestInt(iscale * v), -nmax, nmax - 1);
                float w = v * v;
                sumLX += w * v * l;
                sumL2 += w * l * l;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                for (int i = 0; i < n; i++) levels[lOff + i] = nmax + Math.clamp(nearestInt(iscale * x[xOff + i]), -nmax, nmax - 1);
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }
}
