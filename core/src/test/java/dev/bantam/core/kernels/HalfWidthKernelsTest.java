package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static dev.bantam.core.kernels.Blocks.SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The F16 and BF16 vector kernels against scalar conversions, Lucene-style over many lengths. */
class HalfWidthKernelsTest {

    /** The three-operation vector conversion against Float.float16ToFloat for every finite half, sign and subnormals included. */
    @Test
    void vectorHalfConversionIsExactForEveryFiniteHalf() {
        VectorSpecies<Integer> species = Vec.I;
        int[] bits = new int[species.length()];
        float[] got = new float[species.length()];
        for (int base = 0; base < 1 << 16; base += bits.length) {
            for (int j = 0; j < bits.length; j++) bits[j] = (short) (base + j); // sign-extended, as S2I gives them
            Half.toFloat(IntVector.fromArray(species, bits, 0)).intoArray(got, 0);
            for (int j = 0; j < bits.length; j++) {
                short h = (short) bits[j];
                if ((h & 0x7c00) == 0x7c00) continue; // infinities and NaNs: not in weights
                assertThat(Float.floatToRawIntBits(got[j])).as("half 0x%04x", h & 0xffff)
                        .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(h)));
            }
        }
    }

    /** Infinities and NaNs in a stored F16 row come out of the vector dequantize as Float.float16ToFloat gives them. */
    @Test
    void f16DequantizeCarriesInfinitiesAndNaNs() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 8 * Vec.L + 3;
            MemorySegment seg = arena.allocate(2L * n);
            Random random = new Random(5);
            short[] specials = {(short) 0x7c00, (short) 0xfc00, (short) 0x7e00, (short) 0x7c01};
            for (int i = 0; i < n; i++) {
                seg.set(SHORT, 2L * i, i % 11 == 5 ? specials[i % 4] : Float.floatToFloat16((float) random.nextGaussian()));
            }
            float[] got = new float[n];
            Kernels.of(WeightType.F16).dequantize(seg, 0, got, 0, n);
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToRawIntBits(got[i])).as("value %d", i)
                        .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(seg.get(SHORT, 2L * i))));
            }
        }
    }

    /** Rows of 1 to 700 values (vector body and scalar tail), at unaligned offsets, against a double-precision scalar dot. */
    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16"})
    void dotMatchesTheScalarReferenceOverManyLengths(String type) {
        WeightType t = WeightType.valueOf(type);
        WeightKernels k = Kernels.of(t);
        Random random = new Random(type.hashCode());
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 200; trial++) {
                int n = 1 + random.nextInt(700), xOff = random.nextInt(40);
                long off = 2L * random.nextInt(8) + random.nextInt(2);
                MemorySegment seg = arena.allocate(off + 2L * n);
                float[] w = new float[n], x = new float[xOff + n];
                for (int i = 0; i < n; i++) w[i] = (float) random.nextGaussian() * 0.05f;
                for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
                k.quantize(w, 0, seg, off, n);
                float[] stored = new float[n];
                k.dequantize(seg, off, stored, 0, n);
                double want = 0, abs = 0;
                for (int i = 0; i < n; i++) {
                    float ref = t == WeightType.F16 ? Float.float16ToFloat(seg.get(SHORT, off + 2L * i)) : Float.intBitsToFloat(seg.get(SHORT, off + 2L * i) << 16);
                    assertThat(stored[i]).as("%s dequantize n=%d at %d", t, n, i).isEqualTo(ref);
                    want += (double) ref * x[xOff + i];
                    abs += Math.abs((double) ref * x[xOff + i]);
                }
                assertThat((double) k.dot(seg, off, x, xOff, n)).as("%s dot n=%d xOff=%d offset %d", t, n, xOff, off)
                        .isCloseTo(want, within(1e-5 * abs + 1e-30));
            }
        }
    }
}
