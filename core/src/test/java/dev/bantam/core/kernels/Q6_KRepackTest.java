package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Q6_K repacked into {@link Int8x16Kernels}' layout against Q6_K's scalar reference
 * ({@link Q6_KKernels#decodeBlock}): every value exactly, since the float scale d·sc and the
 * level times it round as the reference's d·sc·(q − 32) does; random bytes reach every level,
 * every int8 scale down to −128 and fp16 d of every finite exponent. The checks the repacks share:
 * {@link RepackedLayoutTest}; here also the layout's own encoder.
 */
class Q6_KRepackTest extends RepackedLayoutTest {
    @Override WeightType type() { return WeightType.Q6_K; }

    @Override WeightMatrix repack(ThreadPool pool, TensorView t) { return Q6_KRepack.repack(pool, t); }

    @Override long repackedBytes(TensorView t) { return Q6_KRepack.bytes(t); }

    @Override double bitsPerValue() { return 10; }

    @Override Class<? extends WeightKernels> repackedKernels() { return Int8x16Kernels.class; }

    @Override Blocks.BlockDecoder reference() { return Q6_KKernels::decodeBlock; }

    @Override void scalarDequantize(MemorySegment src, long offset, float[] dst, int n) {
        Int8x16Kernels.scalarDequantize(src, offset, dst, 0, n);
    }

    @Override float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Int8x16Kernels.scalarDot(w, offset, x, xOff, n);
    }

    /** d, after the 128 + 64 + 16 bytes of levels and scales. */
    @Override int[] fp16Scales() { return new int[] {208}; }

    /** The layout's own encoder, as benchmarks use it: unaligned rows, dot against dequantize, round-trip error of an int8 scale per 16. */
    @Test
    void int8x16QuantizeRoundTripsAndItsDotMatchesAtUnalignedOffsets() {
        Random random = new Random(3);
        Int8x16Kernels k = new Int8x16Kernels();
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 40; trial++) {
                int n = Int8x16Kernels.BLOCK * (1 + random.nextInt(100)), xOff = random.nextInt(20);
                long off = random.nextInt(5);
                float[] w = gaussian(random, n), x = gaussian(random, xOff + n), back = new float[n];
                MemorySegment seg = arena.allocate(off + Int8x16Kernels.bytesFor(n));
                k.quantize(w, 0, seg, off, n);
                k.dequantize(seg, off, back, 0, n);
                double se = 0, want = 0, abs = 0;
                for (int i = 0; i < n; i++) {
                    se += (double) (back[i] - w[i]) * (back[i] - w[i]);
                    want += (double) back[i] * x[xOff + i];
                    abs += Math.abs((double) back[i] * x[xOff + i]);
                }
                assertThat(Math.sqrt(se / n)).as("n=%d RMSE", n).isLessThan(0.01);
                assertThat((double) k.dot(seg, off, x, xOff, n)).as("n=%d off=%d dot", n, off).isCloseTo(want, within(1e-5 * abs + 1e-30));
            }
        }
    }
}
