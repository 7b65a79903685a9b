package dev.bantam.study;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Known values worked out by hand (and cross-checked with R's t.test / SciPy's ttest_ind). */
class StatisticsTest {
    private static final double[] A = {1, 2, 3, 4, 5};
    private static final double[] B = {2, 4, 6, 8, 10};

    @Test
    void meanAndSampleSdByHand() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32; 32/7
        double[] v = {2, 4, 4, 4, 5, 5, 7, 9};
        assertThat(Statistics.mean(v)).isEqualTo(5.0);
        assertThat(Statistics.sd(v)).isCloseTo(Math.sqrt(32.0 / 7), within(1e-12));
        assertThat(Statistics.meanOrZero(v)).isEqualTo(5.0);
        assertThat(Statistics.sdOrZero(v)).isCloseTo(Math.sqrt(32.0 / 7), within(1e-12));
    }

    @Test
    void oneOrNoValuesHaveZeroSdAsInLlamaBench() {
        assertThat(Statistics.sdOrZero(new double[] {3})).isZero();
        assertThat(Statistics.sdOrZero(new double[0])).isZero();
        assertThat(Statistics.meanOrZero(new double[0])).isZero();
    }

    @Test
    void oneValueHasNoSdInTheStudy() {
        // the study's summaries show an undefined statistic as n/a, not as 0
        assertThat(Statistics.sd(new double[] {3})).isNaN();
        var s = Statistics.summarize(new double[] {3});
        assertThat(s.sd()).isNaN();
        assertThat(s.ciLow()).isNaN();
        assertThat(s.mean()).isEqualTo(3.0);
    }

    @Test
    void summaryOfOneToFive() {
        var s = Statistics.summarize(A);
        assertThat(s.n()).isEqualTo(5);
        assertThat(s.mean()).isEqualTo(3.0);
        assertThat(s.median()).isEqualTo(3.0);
        // sd = √(Σ(x−3)²/4) = √(10/4)
        assertThat(s.sd()).isCloseTo(Math.sqrt(2.5), within(1e-12));
        // 95% CI: 3 ± t(0.975, 4)·sd/√5 with t(0.975, 4) = 2.776445105...
        double half = 2.7764451051977934 * Math.sqrt(2.5) / Math.sqrt(5);
        assertThat(s.ciLow()).isCloseTo(3 - half, within(1e-9));
        assertThat(s.ciHigh()).isCloseTo(3 + half, within(1e-9));
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(5.0);
    }

    @Test
    void nearestRankPercentiles() {
        double[] ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        var s = Statistics.summarize(ten);
        // rank = ceil(p/100 · 10): p50 → 5th, p90 → 9th, p95 → 10th, p99 → 10th smallest
        assertThat(s.p50()).isEqualTo(5.0);
        assertThat(s.p90()).isEqualTo(9.0);
        assertThat(s.p95()).isEqualTo(10.0);
        assertThat(s.p99()).isEqualTo(10.0);
        assertThat(s.median()).isEqualTo(5.5);
    }

    @Test
    void welchAndCohen() {
        var c = Statistics.welch(A, B);
        // t = (3 − 6)/√(2.5/5 + 10/5) = −3/√2.5; df = 2.5²/(0.5²/4 + 2²/4) = 100/17
        assertThat(c.t()).isCloseTo(-3 / Math.sqrt(2.5), within(1e-12));
        assertThat(c.df()).isCloseTo(100.0 / 17, within(1e-12));
        assertThat(c.p()).isCloseTo(0.10753119493062728, within(1e-9));
        // pooled sd = √((4·2.5 + 4·10)/8) = 2.5, d = −3/2.5
        assertThat(c.cohenD()).isCloseTo(-1.2, within(1e-12));
    }

    @Test
    void identicalSamplesAreNotDifferent() {
        var c = Statistics.welch(new double[]{2, 2, 2}, new double[]{2, 2, 2});
        assertThat(c.p()).isEqualTo(1.0);
        assertThat(c.cohenD()).isEqualTo(0.0);
    }

    @Test
    void welchNeedsTwoValuesPerSample() {
        assertThatThrownBy(() -> Statistics.welch(new double[]{1}, B)).hasMessageContaining("at least 2");
    }
}
