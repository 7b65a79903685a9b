package dev.bantam.core.model;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-layer plan computed from the config, and the paths that only it switches on. */
class ArchPlanTest {
    @TempDir
    Path tmp;

    @Test
    void gemma3HasFiveLocalLayersThenOneGlobal() throws Exception {
        try (var h = new ForwardHarness(Fixtures.path("arch/gemma3-tiny/gemma3-tiny-f32.gguf"), 1)) {
            assertThat(h.config.plan()).extracting(LayerPlan::window).containsExactly(8, 8, 8, 8, 8, 0);
            assertThat(h.config.plan()).extracting(LayerPlan::ropeBase).containsExactly(1e4, 1e4, 1e4, 1e4, 1e4, 1e6);
        }
    }

    /**
     * The phi3 fixture has no window (sliding_window 0); with one, every layer uses it: prefill,
     * decode through the cache and the logits beyond the window change, the first W positions do not.
     */
    @Test
    void phi3SlidingWindowAppliesToEveryLayerAndPrefillEqualsDecode() throws Exception {
        Path windowed = tmp.resolve("phi3-w8.gguf");
        Path src = Fixtures.path("arch/phi3-tiny/phi3-tiny-f32.gguf");
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter().putAll(f.metadata()).put("phi3.attention.sliding_window", GgufValue.ofU32(8));
            for (GgufTensorInfo i : f.tensorInfos()) w.addTensor(i.name(), i.type(), i.shape(), f.tensor(i.name()).data());
            w.write(windowed);
        }
        int[] tokens = Fixtures.goldenCases("arch/phi3-tiny/").stream().filter(c -> c.name().equals("random64")).findFirst().orElseThrow().tokens();
        try (var full = new ForwardHarness(src, 1); var h = new ForwardHarness(windowed, 1)) {
            assertThat(full.config.windowed()).isFalse();
            assertThat(h.config.plan()).extracting(LayerPlan::window).containsOnly(8);
            int vocab = h.config.vocabSize();
            float[] prefill = h.logits(tokens), decode = h.logitsStepByStep(tokens), unwindowed = full.logits(tokens);
            assertThat(Agreement.of(prefill, decode, vocab).maxAbsDiff()).isLessThan(1e-4f);
            float[] firstEight = java.util.Arrays.copyOf(prefill, 8 * vocab), restWindowed = java.util.Arrays.copyOfRange(prefill, 8 * vocab, prefill.length);
            assertThat(Agreement.of(java.util.Arrays.copyOf(unwindowed, 8 * vocab), firstEight, vocab).maxAbsDiff()).isLessThan(1e-5f);
            assertThat(Agreement.of(java.util.Arrays.copyOfRange(unwindowed, 8 * vocab, unwindowed.length), restWindowed, vocab).maxAbsDiff()).isGreaterThan(1e-2f);
        }
    }
}
