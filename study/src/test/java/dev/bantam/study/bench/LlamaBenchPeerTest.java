package dev.bantam.study.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LlamaBenchPeerTest {
    /** Two entries as llama-bench -o json prints them (fields trimmed to those read). */
    private static final String OUTPUT = """
            [
              {"model_filename": "m.gguf", "n_prompt": 8, "n_gen": 0, "test_time": "2026-11-25T17:53:13Z",
               "avg_ts": 82540.27, "samples_ns": [ 137084, 74961 ]},
              {"model_filename": "m.gguf", "n_prompt": 0, "n_gen": 4, "test_time": "2026-11-25T17:53:14Z",
               "avg_ts": 20000.0, "samples_ns": [ 200000, 200000 ]}
            ]""";

    private static final ModelInfo MODEL = new ModelInfo("m.gguf", "llama 152K F32", 607488, 151872);

    @Test
    void readsTheRawSamplesOfTheMatchingTest() throws Exception {
        TestResult pp = LlamaBenchPeer.parse(OUTPUT, MODEL, 2, BenchTest.prompt(8));
        assertThat(pp.backend()).isEqualTo("llama.cpp");
        assertThat(pp.samplesNs()).containsExactly(137084, 74961);
        // llama-bench's avg_ts is the mean of per-repetition t/s: recomputed from the samples, it agrees
        assertThat(pp.avgTs()).isCloseTo(82540.27, within(0.5));
        TestResult tg = LlamaBenchPeer.parse(OUTPUT, MODEL, 2, BenchTest.generation(4));
        assertThat(tg.avgTs()).isCloseTo(20000.0, within(1e-6));
    }

    @Test
    void comparisonPairsBantamWithThePeerOnTheSameFileTestAndThreads() throws Exception {
        TestResult peer = LlamaBenchPeer.parse(OUTPUT, MODEL, 2, BenchTest.generation(4));
        TestResult ours = new TestResult(TestResult.BANTAM, MODEL, 2, BenchTest.generation(4), "t", new long[] {100000, 100000}, null);
        TestResult otherThreads = new TestResult(TestResult.BANTAM, MODEL, 1, BenchTest.generation(4), "t", new long[] {100000}, null);
        List<PeerComparison> pairs = PeerComparison.of(List.of(ours, otherThreads, peer));
        assertThat(pairs).hasSize(1);
        assertThat(pairs.get(0).ratio()).isCloseTo(2.0, within(1e-9));
    }
}
