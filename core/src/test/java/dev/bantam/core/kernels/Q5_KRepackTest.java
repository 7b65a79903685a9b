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
 * Q5_K with its scales apart ({@link KSplitKernels#FIFTH_BITS}) against Q5_K's
 * scalar reference ({@link Q5_KKernels#decodeBlock}): every value exactly, since d·sc and
 * dmin·mn are exact in float and the value is then the reference's d·sc·q − dmin·mn; random
 * bytes reach every nibble and fifth bit, every 6-bit scale and min, and fp16 d and dmin of every
 * finite exponent. The checks the repacks share: {@link RepackedLayoutTest}; here also the
 * layout's vector dot against its scalar one over many lengths, and its encoder.
 */
class Q5_KRepackTest extends RepackedLayoutTest {
    @Override WeightType type() { return WeightType.Q5_K; }

    @Override WeightMatrix repack(ThreadPool pool, TensorView t) { return Q5_KRepack.repack(pool, t); }

    @Override long repackedBytes(TensorView t) { return Q5_KRepack.bytes(t); }

    @Override double bitsPerValue() { return 7; }

    @Override Class<? extends WeightKernels> repackedKernels() { return KSplitKernels.class; }

    @Override Blocks.BlockDecoder reference() { return Q5_KKernels::decodeBlock; }

    @Override void scalarDequantize(MemorySegment src, long offset, float[] dst, int n) {
        Blocks.dequantizeByBlocks(KSplitKernels.FIFTH_BITS::decodeBlock, 256, KSplitKernels.FIFTH_BLOCK_BYTES, src, offset, dst, 0, n);
    }

    @Override float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(KSplitKernels.FIFTH_BITS::decodeBlock, 256, KSplitKernels.FIFTH_BLOCK_BYTES, w, offset, x, xOff, n);
    }

    /** d and dmin. */
    @Override int[] fp16Scales() { return new int[] {0, 2}; }

    /**
     * The layout's own encoder (Q5_K's quantization, then the repack), as benchmarks use it, at
     * 1 to 64 super-blocks and unaligned offsets: dequantize equals Q5_K's values exactly, the
     * vector dot and the summed dot come within 1e-5·Σ|w·x| of the scalar one.
     */
    @Test
    void quantizeGivesQ5_KsValuesAndTheDotMatchesTheScalarOneOverManyLengths() {
        Random random = new Random(5);
        KSplitKernels k = KSplitKernels.FIFTH_BITS;
        WeightKernels q5 = Kernels.of(WeightType.Q5_K);
        try (Arena arena = Arena.ofConfined()) {
            for (int blocks = 1; blocks <= 64; blocks++) {
                int n = 256 * blocks, xOff = random.nextInt(20);
                long off = random.nextInt(5);
                float[] w = gaussian(random, n), x = gaussian(random, xOff + n), got = new float[n], want = new float[n];
                MemorySegment seg = arena.allocate(off + k.bytesFor(n)), file = arena.allocate(WeightType.Q5_K.bytesFor(n));
                k.quantize(w, 0, seg, off, n);
                q5.quantize(w, 0, file, 0, n);
                k.dequantize(seg, off, got, 0, n);
                q5.dequantize(file, 0, want, 0, n);
                assertThat(got).as("n=%d dequantize", n).containsExactly(want);
                double abs = 0;
                for (int i = 0; i < n; i++) abs += Math.abs((double) got[i] * x[xOff + i]);
                double scalar = Blocks.dotByBlocks(KSplitKernels.FIFTH_BITS::decodeBlock, 256, KSplitKernels.FIFTH_BLOCK_BYTES, seg, off, x, xOff, n);
                assertThat((double) k.dot(seg, off, x, xOff, n)).as("n=%d off=%d dot", n, off).isCloseTo(scalar, within(1e-5 * abs + 1e-30));
                assertThat((double) k.dot(seg, off, x, xOff, n, Blocks.blockSums(x, xOff, n))).as("n=%d off=%d summed dot", n, off)
                        .isCloseTo(scalar, within(1e-5 * abs + 1e-30));
            }
        }
    }
}
