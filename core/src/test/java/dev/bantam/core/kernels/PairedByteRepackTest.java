package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Q6_K in {@link PairedByteKernels}' layout against Q6_K's scalar reference: every value exactly
 * (random bytes reach every level, every int8 scale down to −128 and fp16 d of every finite
 * exponent), the float dot within the float-sum tolerance, the int8 dot and matvec within 1e-5 of
 * the values the quantized activations stand for ({@link RepackedLayoutTest}). It runs on every
 * CPU: the layout's vectors are 512-bit whatever the hardware, only slower where emulated.
 */
class PairedByteRepackTest extends RepackedLayoutTest {
    @Override WeightType type() { return WeightType.Q6_K; }

    @Override WeightMatrix repack(ThreadPool pool, TensorView t) { return Q6_KRepack.paired(pool, t); }

    @Override long repackedBytes(TensorView t) { return PairedByteKernels.bytesFor(t.elements()); }

    @Override double bitsPerValue() { return 8.625; }

    @Override Class<? extends WeightKernels> repackedKernels() { return PairedByteKernels.class; }

    @Override Blocks.BlockDecoder reference() { return Q6_KKernels::decodeBlock; }

    @Override void scalarDequantize(MemorySegment src, long offset, float[] dst, int n) {
        Blocks.dequantizeByBlocks(PairedByteKernels::decodeBlock, 256, PairedByteKernels.BLOCK_BYTES, src, offset, dst, 0, n);
    }

    @Override float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(PairedByteKernels::decodeBlock, 256, PairedByteKernels.BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /** d, after the 128 + 64 + 16 bytes of levels and scales. */
    @Override int[] fp16Scales() { return new int[] {208}; }

    /** Where the CPU has 512-bit vectors, the int8 Q6_K repack is this layout and reports its size; without them, the float one. */
    @Test
    void int8RepackTakesThisLayoutWhereTheCpuHasIt() {
        try (Arena arena = Arena.ofConfined(); ThreadPool pool = new ThreadPool(1)) {
            int n = 512;
            MemorySegment seg = arena.allocate(WeightType.Q6_K.bytesFor(n));
            Kernels.of(WeightType.Q6_K).quantize(gaussian(new Random(3), n), 0, seg, 0, n);
            TensorView t = new TensorView("w", WeightType.Q6_K, new long[] {n, 1}, seg);
            WeightMatrix m = Q6_KRepack.repack(pool, t, true);
            assertThat(m.kernels()).isInstanceOf(Q4_KRepack.INT8_LAYOUT ? PairedByteKernels.class : Int8x16Kernels.class);
            assertThat(m.data().byteSize()).isEqualTo(Q6_KRepack.bytes(t, true));
            assertThat(Q6_KRepack.repack(pool, t, false).kernels()).isInstanceOf(Int8x16Kernels.class);
        }
    }

    /**
     * The extremes the integer lanes must hold: every level 63 (q − 32 = 31) or 0 (−32) against
     * activations all +127, all −127 or alternating, exactly as the int8 activations stand for them.
     */
    @Test
    void extremeLevelsAndActivationsStayExact() {
        try (Arena arena = Arena.ofConfined(); ThreadPool pool = new ThreadPool(1)) {
            int n = 512;
            // Q6_K's quantizer maps a constant row to q = 0 whatever its sign, so the levels are
            // written as bytes: ql and qh all ones (q = 63) or all zeros (q = 0), scales 1, d = 1
            for (int levelBits : new int[] {0xFF, 0x00}) {
                MemorySegment seg = arena.allocate(WeightType.Q6_K.bytesFor(n));
                for (long b = 0; b < n / 256; b++) {
                    long block = b * WeightType.Q6_K.blockBytes;
                    seg.asSlice(block, 192).fill((byte) levelBits);
                    seg.asSlice(block + 192, 16).fill((byte) 1);
                    seg.set(Blocks.SHORT, block + 208, Float.floatToFloat16(1f));
                }
                int level = levelBits == 0xFF ? 31 : -32;
                TensorView t = new TensorView("w", WeightType.Q6_K, new long[] {n, 1}, seg);
                WeightMatrix m = Q6_KRepack.paired(pool, t);
                float[] ref = new float[n];
                Kernels.of(WeightType.Q6_K).dequantize(seg, 0, ref, 0, n);
                assertThat(ref).as("the file's values").containsOnly((float) level);
                for (int pattern = 0; pattern < 3; pattern++) {
                    float[] x = new float[n];
                    for (int i = 0; i < n; i++) x[i] = pattern == 0 ? 1f : pattern == 1 ? -1f : (i % 2 == 0 ? 1f : -1f);
                    float[] stands = Int8Activations.quantize(x, 0, n).values();
                    double want = 0, abs = 0;
                    for (int i = 0; i < n; i++) {
                        want += (double) ref[i] * stands[i];
                        abs += Math.abs((double) ref[i] * stands[i]);
                    }
                    var k = PairedByteKernels.INSTANCE;
                    assertThat((double) k.dot(m.data(), 0, k.prepare(x, 0, n))).as("level %s pattern %d", level, pattern).isCloseTo(want, within(1e-5 * abs));
                }
            }
        }
    }
}
