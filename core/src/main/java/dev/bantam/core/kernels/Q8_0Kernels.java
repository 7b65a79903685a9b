package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static dev.bantam.core.kernels.Vec.B;
import static dev.bantam.core.kernels.Vec.F;
import static dev.bantam.core.kernels.Vec.L;
import static dev.bantam.core.kernels.Vec.LE;

/** Q8_0: blocks of 32 int8 values with one fp16 scale (34 bytes). */
final class Q8_0Kernels implements WeightKernels, Int8Dot {
    /** From the type table, into static finals: JIT constants like the literals they replace (enum fields are not). */
    private static final int BLOCK = WeightType.Q8_0.blockSize;
    private static final int BLOCK_BYTES = WeightType.Q8_0.blockBytes;

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOff, int n) {
        if (BLOCK % L == 0) {
            for (int b = 0; b < n / BLOCK; b++) {
                long block = offset + (long) b * BLOCK_BYTES;
                FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(src.get(SHORT, block)));
                for (int j = 0; j < BLOCK; j += L) {
                    ((FloatVector) ByteVector.fromMemorySegment(B, src, block + 2 + j, LE).convertShape(VectorOperators.B2F, F, 0))
                            .mul(d).intoArray(dst, dstOff + b * BLOCK + j);
                }
            }
            return;
        }
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(src.get(SHORT, block));
            for (int j = 0; j < BLOCK; j++) {
                dst[dstOff + b * BLOCK + j] = src.get(ValueLayout.JAVA_BYTE, block + 2 + j) * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        if (BLOCK % L != 0) return scalarDot(w, offset, x, xOff, n);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            FloatVector blockSum = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += L) {
                FloatVector q = (FloatVector) ByteVector.fromMemorySegment(B, w, block + 2 + j, LE).convertShape(VectorOperators.B2F, F, 0);
                blockSum = q.fma(FloatVector.fromArray(F, x, xOff + b * BLOCK + j), blockSum);
            }
            acc = blockSum.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, block))), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Σ_blocks d_w·d_x·Σ q_w·q_x with the inner sum in integers: two 16-value halves multiplied
     * as shorts and added (|q_w·q_x| ≤ 128·127, so two still fit in 16 bits), then pair-summed.
     * Two blocks per iteration into two accumulators, so the loop does not wait on FMA latency.
     */
    @Override
    public float dot(MemorySegment w, long offset, Int8Activations x) {
        FloatVector acc0 = FloatVector.zero(Int8Lanes.F8), acc1 = acc0;
        int nb = x.length() / BLOCK, b = 0;
        for (; b + 1 < nb; b += 2) {
            long block = offset + (long) b * BLOCK_BYTES;
            acc0 = blockProducts(w, block, x, b).fma(FloatVector.broadcast(Int8Lanes.F8, Float.float16ToFloat(w.get(SHORT, block)) * x.scale[b]), acc0);
            acc1 = blockProducts(w, block + BLOCK_BYTES, x, b + 1)
                    .fma(FloatVector.broadcast(Int8Lanes.F8, Float.float16ToFloat(w.get(SHORT, block + BLOCK_BYTES)) * x.scale[b + 1]), acc1);
        }
        if (b < nb) {
            long block = offset + (long) b * BLOCK_BYTES;
            acc0 = blockProducts(w, block, x, b).fma(FloatVector.broadcast(Int8Lanes.F8, Float.float16ToFloat(w.get(SHORT, block)) * x.scale[b]), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Σ q_w·q_x of block {@code b} in 8 float lanes. */
    private static FloatVector blockProducts(MemorySegment w, long block, Int8Activations x, int b) {
        int xb = b * BLOCK;
        return Int8Lanes.pairSumFloat(Int8Lanes.widen(w, block + 2).mul(Int8Lanes.levels(x, xb))
                .add(Int8Lanes.widen(w, block + 18).mul(Int8Lanes.levels(x, xb + 16))));
    }

    private static float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float blockSum = 0;
            for (int j = 0; j < BLOCK; j++) blockSum += w.get(ValueLayout.JAVA_BYTE, block + 2 + j) * x[xOff + b * BLOCK + j];
            sum += blockSum * Float.float16ToFloat(w.get(SHORT, block));
        }
        return sum;
    }

    /** C's roundf: halves round away from zero (Math.round would send -2.5 to -2). */
    static int roundHalfAway(float x) {
        return (int) (x < 0 ? -Math.floor(-x + 0.5f) : Math.floor(x + 0.5f));
    }

    /** d = max|x| / 127, q = round(x / d), as llama.cpp's reference quantizer. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long offset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int base = srcOff + b * BLOCK;
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(src[base + j]));
            float d = amax / 127;
            float id = d != 0 ? 1 / d : 0;
            dst.set(SHORT, block, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK; j++) dst.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) roundHalfAway(src[base + j] * id));
        }
    }
}
