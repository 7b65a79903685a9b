package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Q4_K in {@link PairedNibbleKernels}' layout against Q4_K's scalar reference: every value
 * exactly (the layout's scalar decode and its vector byte permutes), the float dot within the
 * float-sum tolerance, and the int8 dot and matvec within 1e-5 of the values the quantized
 * activations stand for ({@link RepackedLayoutTest}). It runs on every CPU: the layout's vectors
 * are 512-bit whatever the hardware, only slower where they are emulated.
 */
class PairedNibbleRepackTest extends RepackedLayoutTest {
    @Override WeightType type() { return WeightType.Q4_K; }

    @Override WeightMatrix repack(ThreadPool pool, TensorView t) { return Q4_KRepack.paired(pool, t); }

    @Override long repackedBytes(TensorView t) { return PairedNibbleKernels.Q4_K.bytesFor(t.elements()); }

    @Override double bitsPerValue() { return 4.75; }

    @Override Class<? extends WeightKernels> repackedKernels() { return PairedNibbleKernels.class; }

    @Override Blocks.BlockDecoder reference() { return Q4_KKernels::decodeBlock; }

    @Override void scalarDequantize(MemorySegment src, long offset, float[] dst, int n) {
        Blocks.dequantizeByBlocks(PairedNibbleKernels.Q4_K::decodeBlock, 256, PairedNibbleKernels.Q4_K.blockBytes, src, offset, dst, 0, n);
    }

    @Override float scalarDot(MemorySegment w, long offset, float[] x, int xOff, int n) {
        return Blocks.dotByBlocks(PairedNibbleKernels.Q4_K::decodeBlock, 256, PairedNibbleKernels.Q4_K.blockBytes, w, offset, x, xOff, n);
    }

    /** d and dmin. */
    @Override int[] fp16Scales() { return new int[] {0, 2}; }

    /** Where the CPU has 512-bit vectors, the default Q4_K repack (int8 on) is this layout; without them, the float one. */
    @Test
    void int8RepackTakesThisLayoutWhereTheCpuHasIt() {
        try (Arena arena = Arena.ofConfined(); ThreadPool pool = new ThreadPool(1)) {
            int n = 256;
            MemorySegment seg = arena.allocate(WeightType.Q4_K.bytesFor(n));
            Kernels.of(WeightType.Q4_K).quantize(RepackedLayoutTest.gaussian(new Random(3), n), 0, seg, 0, n);
            TensorView t = new TensorView("w", WeightType.Q4_K, new long[] {n, 1}, seg);
            WeightMatrix m = Q4_KRepack.repack(pool, t, true);
            assertThat(m.kernels()).isInstanceOf(Q4_KRepack.INT8_LAYOUT ? PairedNibbleKernels.class : KSplitKernels.class);
            assertThat(m.data().byteSize()).isEqualTo(Q4_KRepack.bytes(t, true));
            assertThat(Q4_KRepack.repack(pool, t, false).kernels()).isInstanceOf(KSplitKernels.class);
        }
    }

    /**
     * The extremes the integer lanes must hold: every level 15 against activations all +127 or
     * all −127 (|upper half| = 30,480 of 32,767, the lower half at its bounds), and alternating
     * signs, exactly as the int8 activations stand for them.
     */
    @Test
    void extremeLevelsAndActivationsStayExact() {
        try (Arena arena = Arena.ofConfined(); ThreadPool pool = new ThreadPool(1)) {
            int n = 512;
            float[] w = new float[n];
            java.util.Arrays.fill(w, 1f);  // all levels 15 at the top of the scale, min 0
            MemorySegment seg = arena.allocate(WeightType.Q4_K.bytesFor(n));
            Kernels.of(WeightType.Q4_K).quantize(w, 0, seg, 0, n);
            for (long b = 0; b < n / 256; b++) {
                for (int i = 16; i < WeightType.Q4_K.blockBytes; i++) {
                    assertThat(seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, b * WeightType.Q4_K.blockBytes + i)).as("level byte %d", i).isEqualTo((byte) 0xFF);
                }
            }
            TensorView t = new TensorView("w", WeightType.Q4_K, new long[] {n, 1}, seg);
            WeightMatrix m = Q4_KRepack.paired(pool, t);
            float[] ref = new float[n];
            Kernels.of(WeightType.Q4_K).dequantize(seg, 0, ref, 0, n);
            for (int pattern = 0; pattern < 3; pattern++) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) x[i] = pattern == 0 ? 1f : pattern == 1 ? -1f : (i % 2 == 0 ? 1f : -1f);
                float[] stands = Int8Activations.quantize(x, 0, n).values();
                double want = 0;
                for (int i = 0; i < n; i++) want += (double) ref[i] * stands[i];
                var k = PairedNibbleKernels.Q4_K;
                assertThat((double) k.dot(m.data(), 0, k.prepare(x, 0, n))).as("pattern %d", pattern).isCloseTo(want, org.assertj.core.api.Assertions.within(1e-5 * Math.abs(want) + 1e-6));
            }
        }
    }
}
