package dev.bantam.study;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A variant whose perplexity comes from its own tool (llama.cpp) is gated by Δppl like the others, and shows KL and top-1 as not measured. */
class ReportedPerplexityTest {
    @Test
    void gatedByDeltaPplWithoutKl() {
        RunRequest acc = new RunRequest(0, StudyFiles.ACCURACY_SCENARIO, 1, 64, 0, false, 1);
        double[] nll = {2.0, 2.2, 1.8, 2.0};
        var base = RawRun.of(RawRun.ACCURACY, "m", VariantSpec.of("cpu", "f32"), acc, RunOutcome.accuracy(nll, new double[4], 4, 0)).withRunId(1);
        double basePpl = Summarizer.perplexity(nll)[0];
        var close = RawRun.of(RawRun.ACCURACY, "m", VariantSpec.of("llama.cpp", "q8_0"), acc,
                RunOutcome.reportedPerplexity(basePpl * 1.01, 0.1, 4, null)).withRunId(2);
        var far = RawRun.of(RawRun.ACCURACY, "m", VariantSpec.of("llama.cpp", "f32"), acc,
                RunOutcome.reportedPerplexity(basePpl * 1.01, 0.1, 4, null)).withRunId(3);
        var s = Summarizer.summarize(List.of(base, close, far), new AccuracySpec(null, 64, 1, null, null), "cpu/f32");
        var q8 = s.accuracy().get(1);
        assertThat(q8.gate()).isEqualTo("pass"); // 1% ≤ the 8-bit gate of 2%
        assertThat(q8.deltaPplPercent()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(q8.klMean()).isNull();
        assertThat(q8.sameTopPercent()).isNull();
        assertThat(s.accuracy().get(2).gate()).isEqualTo("fail"); // 1% > the fp32 gate of 0.1%
    }
}
