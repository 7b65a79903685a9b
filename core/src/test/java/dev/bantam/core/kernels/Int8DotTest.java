package dev.bantam.core.kernels;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The int8-activation dot products ({@link Int8Dot}) against the dequantized weights times the
 * values the quantized activations stand for, in double: the integer arithmetic must be exact
 * and only the final float scaling may round, so the tolerance is 1e-5 of Σ|w·x| — over many
 * lengths, odd block counts, unaligned rows, llama.cpp-written fixture rows and extreme levels.
 */
class Int8DotTest {
    private static float[] gaussian(long seed, int n, float sigma) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * sigma;
        return x;
    }

    private static void check(WeightType t, MemorySegment data, long off, Int8Activations x, String what) {
        int n = x.length();
        float[] w = new float[n];
        Kernels.of(t).dequantize(data, off, w, 0, n);
        double ref = 0, abs = 0;
        for (int i = 0; i < n; i++) {
            ref += (double) w[i] * x.value(i);
            abs += Math.abs((double) w[i] * x.value(i));
        }
        float got = ((Int8Dot) Kernels.of(t)).dot(data, off, x);
        assertThat((double) got).as("%s %s int8 dot, n=%d", t, what, n).isCloseTo(ref, within(1e-5 * abs + 1e-30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void equalsTheDequantizedDotOverManyLengths(String type) {
        WeightType t = WeightType.valueOf(type);
        assertThat(Kernels.of(t)).isInstanceOf(Int8Dot.class);
        try (Arena arena = Arena.ofConfined()) {
            for (int blocks = 1; blocks <= 40; blocks++) {
                int n = blocks * t.blockSize;
                float[] w = gaussian(blocks, n, 0.02f * blocks);
                for (int i = 0; i < n; i++) w[i] += (blocks % 3 - 1) * 0.01f * blocks;
                long off = blocks % 5;
                MemorySegment seg = arena.allocate(t.bytesFor(n) + 5);
                Kernels.of(t).quantize(w, 0, seg, off, n);
                check(t, seg, off, Int8Activations.quantize(gaussian(1000 + blocks, n + 7, 1f + blocks), 7, n), blocks + " blocks");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"q8_0", "q4_0", "q4_k", "q5_k", "q6_k"})
    void equalsTheDequantizedDotOnTheFixtureRows(String type) throws Exception {
        WeightType t = WeightType.valueOf(type.toUpperCase());
        try (GgufFile f = GgufFile.open(Fixtures.path("tiny/llama-256/llama-256-" + type + ".gguf"))) {
            int rows = 0;
            for (TensorView v : f.tensorViews().values()) {
                if (v.type() != t || !v.name().startsWith("blk.0.")) continue;
                Int8Activations x = Int8Activations.quantize(gaussian(v.name().hashCode(), v.cols(), 1f), 0, v.cols());
                for (int r = 0; r < v.rows(); r++, rows++) check(t, v.data(), r * v.rowBytes(), x, v.name() + " row " + r);
            }
            assertThat(rows).as("%s fixture rows", t).isPositive();
        }
    }

    /** Every weight byte −128 (Q8_0's most negative level) against activations ±127: the 16-bit sums must not overflow. */
    @Test
    void extremeQ8_0LevelsDoNotOverflow() {
        int n = 256;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -1;
        Int8Activations xq = Int8Activations.quantize(x, 0, n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(WeightType.Q8_0.bytesFor(n));
            for (int b = 0; b < n / 32; b++) {
                seg.set(Blocks.SHORT, b * 34L, Float.floatToFloat16(1f));
                for (int j = 0; j < 32; j++) seg.set(ValueLayout.JAVA_BYTE, b * 34L + 2 + j, (byte) -128);
            }
            check(WeightType.Q8_0, seg, 0, xq, "all -128");
            assertThat(((Int8Dot) Kernels.of(WeightType.Q8_0)).dot(seg, 0, xq)).isEqualTo(128f * n, within(1e-3f));
        }
    }

    @Test
    void activationsRoundToTheNearestLevelOfTheirBlock() {
        int n = 32 * 64;
        float[] x = gaussian(5, n, 3f);
        x[100] = 0;
        for (int i = 64; i < 96; i++) x[i] = 0; // an all-zero block: scale 0, levels 0
        Int8Activations q = Int8Activations.quantize(x, 0, n);
        for (int b = 0; b < n / 32; b++) {
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                sum += q.q[i];
                assertThat(Math.abs(q.q[i])).isLessThanOrEqualTo(127);
                assertThat((double) q.value(i)).as("x[%d]", i).isCloseTo(x[i], within(q.scale[b] / 2 * 1.0001 + 1e-30));
            }
            assertThat(q.sum[b]).isEqualTo(sum);
        }
        assertThat(q.scale[2]).isZero();
    }
}
