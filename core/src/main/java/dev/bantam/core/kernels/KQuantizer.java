package dev.bantam.core.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.QuantSearch.nearestInt;

/**
 * The part of the Q4_K and Q5_K reference quantizers they share: the header (d, dmin and the
 * twelve bytes of 6-bit scales and mins) and the final levels; only how levels are packed differs.
 */
final class KQuantizer {
    private KQuantizer() {}

    interface LevelPacker {
        /** Writes the 256 levels (0..nmax) of the super-block at byte {@code block}. */
        void pack(int[] levels, long block);
    }

    static void quantizeAffine(float[] src, int srcOff, MemorySegment dst, long offset, int n, int nmax,
                               float rmin, float rdelta, int nstep, LevelPacker packer, int blockBytes) {
        int[] levels = new int[256];
        int[] aux = new int[32];
        float[] weights = new float[32];
        float[] scales = new float[8], mins = new float[8];
        float[] outMin = new float[1];
        byte[] packed = new byte[12];
        for (int b = 0; b < n / 256; b++) {
            long block = offset + (long) b * blockBytes;
            int base = srcOff + b * 256;
            float maxScale = 0, maxMin = 0;
            for (int j = 0; j < 8; j++) {
                int xs = base + 32 * j;
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) sumX2 += src[xs + l] * src[xs + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(src[xs + l]);
                scales[j] = QuantSearch.affineScaleSearch(32, nmax, src, xs, weights, levels, 32 * j, outMin, aux, rmin, rdelta, nstep);
                mins[j] = outMin[0];
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            float invScale = maxScale > 0 ? 63f / maxScale : 0f;
            float invMin = maxMin > 0 ? 63f / maxMin : 0f;
            for (int j = 0; j < 8; j++) {
                // uint8_t truncation of nearest_int, then capped at 63, as the reference does
                int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF);
                int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
                if (j < 4) {
                    packed[j] = (byte) ls;
                    packed[j + 4] = (byte) lm;
                } else {
                    packed[j + 4] = (byte) ((ls & 0xF) | (lm & 0xF) << 4);
                    packed[j - 4] |= (byte) ((ls >> 4) << 6);
                    packed[j] |= (byte) ((lm >> 4) << 6);
                }
            }
            short dBits = Float.floatToFloat16(maxScale / 63f), dminBits = Float.floatToFloat16(maxMin / 63f);
            dst.set(SHORT, block, dBits);
            dst.set(SHORT, block + 2, dminBits);
            MemorySegment.copy(packed, 0, dst, ValueLayout.JAVA_BYTE, block + 4, 12);

            long lo = dst.get(Blocks.LONG, block + 4);
            int hi = dst.get(Blocks.INT, block + 12);
            float dq = Float.float16ToFloat(dBits), dminq = Float.float16ToFloat(dminBits);
            for (int j = 0; j < 8; j++) {
                float d = dq * QuantSearch.scaleMin(lo, hi, j, 0);
                if (d == 0) continue; // keep the search's levels, as the reference does
                float dm = dminq * QuantSearch.scaleMin(lo, hi, j, 1);
                for (int l = 0; l < 32; l++) {
                    levels[32 * j + l] = Math.clamp(nearestInt((src[base + 32 * j + l] + dm) / d), 0, nmax);
                }
            }
            packer.pack(levels, block);
        }
    }
}
