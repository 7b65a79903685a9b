package dev.bantam.chat;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.Model;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Prefix reuse must not change what the model computes: rewound or extended caches give a fresh cache's logits. */
class TokenContextTest {
    private static final int[] PROMPT = {1, 50, 60, 70, 80, 90, 100, 110};

    @Test
    void cpuRewindThenAppendEqualsAFreshPrefill() throws IOException {
        try (CpuContext ctx = new CpuContext(Model.load(TestModels.TINY, 1), 64);
             CpuContext fresh = new CpuContext(Model.load(TestModels.TINY, 1), 64)) {
            ctx.append(new int[] {1, 50, 60, 70, 5, 6});
            ctx.append(new int[] {7});
            ctx.keep(4); // the cache diverges from the new prompt after 4 tokens
            assertThat(ctx.length()).isEqualTo(4);
            float[] reused = ctx.append(new int[] {80, 90, 100, 110});
            assertClose(reused, fresh.append(PROMPT));
        }
    }

    @Test
    void theSpiStartsOverWhereTheCacheDiverges() throws IOException {
        var cpu = InferenceBackend.byId("cpu").orElseThrow();
        try (SpiContext ctx = new SpiContext(cpu.open(new ModelSource(TestModels.TINY), SessionOptions.of(1, 64)), "cpu");
             CpuContext fresh = new CpuContext(Model.load(TestModels.TINY, 1), 64)) {
            Turn.run(ctx, new int[] {1, 50, 60}, SamplingOptions.GREEDY.withMaxTokens(3), Set.of(), List.of(), () -> false, t -> {});
            int cached = ctx.length();
            // a prompt that extends the cache reuses all of it
            int[] longer = new int[cached + 2];
            for (int i = 0; i < cached; i++) longer[i] = ctx.token(i);
            longer[cached] = 70;
            longer[cached + 1] = 80;
            Reply extended = Turn.run(ctx, longer, SamplingOptions.GREEDY.withMaxTokens(1), Set.of(), List.of(), () -> false, t -> {});
            assertThat(extended.reusedTokens()).isEqualTo(cached);
            // one that diverges cannot rewind through the SPI: everything is computed again
            Reply diverged = Turn.run(ctx, PROMPT, SamplingOptions.GREEDY.withMaxTokens(1), Set.of(), List.of(), () -> false, t -> {});
            assertThat(diverged.reusedTokens()).isZero();
            ctx.keep(0);
            assertClose(ctx.append(PROMPT), fresh.append(PROMPT));
        }
    }

    private static void assertClose(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        assertThat(max).isLessThan(1e-4f);
    }
}
