package dev.bantam.study.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** llama-bench's test names and its t/s: the mean ± sd of per-repetition rates ({@code Statistics} has the formulas). */
class TestResultTest {
    @Test
    void tokensPerSecondAreAveragedPerRepetitionNotOverTotalTime() {
        // pp100: 0.1 s → 1000 t/s, 0.2 s → 500 t/s; mean 750, sd sqrt(2·250²/1) = 353.55...
        var r = new TestResult(TestResult.BANTAM, new ModelInfo("m.gguf", "llama 1M F32", 1, 1), 1, BenchTest.prompt(100), "t",
                new long[] {100_000_000L, 200_000_000L}, null);
        assertThat(r.samplesTs()).containsExactly(1000.0, 500.0);
        assertThat(r.avgTs()).isEqualTo(750.0);
        assertThat(r.stddevTs()).isCloseTo(Math.sqrt(2 * 250.0 * 250.0), within(1e-9));
        assertThat(r.avgNs()).isEqualTo(150_000_000.0);
        assertThat(r.stddevNs()).isCloseTo(Math.sqrt(2 * 5e7 * 5e7), within(1e-3));
    }

    @Test
    void oneRepetitionHasZeroSdAsInLlamaBench() {
        var r = new TestResult(TestResult.BANTAM, new ModelInfo("m.gguf", "llama 1M F32", 1, 1), 1, BenchTest.generation(10), "t",
                new long[] {100_000_000L}, null);
        assertThat(r.avgTs()).isEqualTo(100.0);
        assertThat(r.stddevTs()).isZero();
        assertThat(r.stddevNs()).isZero();
    }

    @Test
    void testNamesFollowLlamaBench() {
        assertThat(BenchTest.prompt(512).name()).isEqualTo("pp512");
        assertThat(BenchTest.generation(128).name()).isEqualTo("tg128");
        assertThat(new BenchTest(512, 128).name()).isEqualTo("pp512+tg128");
        assertThat(new BenchTest(512, 128).tokens()).isEqualTo(640);
        // tg4 from an empty cache: steps read 1, 2, 3, 4 positions
        assertThat(BenchTest.generation(4).averageKvPositions()).isEqualTo(2.5);
    }
}
