package dev.bantam.study;

import org.hipparchus.distribution.continuous.TDistribution;

import java.util.Arrays;

/**
 * The statistics of benchmark.md: sample summaries with a Student-t confidence interval of the
 * mean, nearest-rank percentiles, Welch's two-sample t-test and Cohen's d. The t distribution
 * comes from Hipparchus; the formulas are spelled out here so the report can state them. The
 * study's figures leave an undefined statistic NaN (shown as n/a); {@code bantam bench} prints
 * llama-bench's mean ± sd, which are 0 instead ({@link #meanOrZero}, {@link #sdOrZero}).
 */
public final class Statistics {
    private Statistics() {}

    /** n, mean, median, sd (n − 1), min, max, nearest-rank p50/p90/p95/p99, 95% CI of the mean. */
    public record Summary(int n, double mean, double median, double sd, double min, double max,
                          double p50, double p90, double p95, double p99, double ciLow, double ciHigh) {}

    /** Welch's test of two samples (two-sided) and Cohen's d with the pooled sd. */
    public record Comparison(double t, double df, double p, double cohenD) {}

    public static Summary summarize(double[] values) {
        int n = values.length;
        if (n == 0) throw new IllegalArgumentException("no values to summarize");
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double mean = mean(values), sd = sd(values);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double half = n > 1 ? tQuantile(0.975, n - 1) * sd / Math.sqrt(n) : Double.NaN;
        return new Summary(n, mean, median, sd, sorted[0], sorted[n - 1],
                nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 95), nearestRank(sorted, 99),
                mean - half, mean + half);
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** Sample standard deviation (divides by n − 1); NaN for one value. */
    public static double sd(double[] v) {
        if (v.length < 2) return Double.NaN;
        double m = mean(v), ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (v.length - 1));
    }

    /** The mean as llama-bench reports it ({@code avg}): 0, not NaN, for no values. */
    public static double meanOrZero(double[] v) {
        return v.length == 0 ? 0 : mean(v);
    }

    /** The sample sd (n − 1) as llama-bench reports it ({@code stdev}): 0, not NaN, for fewer than two values. */
    public static double sdOrZero(double[] v) {
        return v.length < 2 ? 0 : sd(v);
    }

    /** The smallest value with at least p% of the sample at or below it: sorted[ceil(p/100·n) − 1]. */
    public static double nearestRank(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /**
     * Welch: t = (ma − mb) / √(va/na + vb/nb), df by Welch–Satterthwaite, p = 2·(1 − F_t(|t|; df)).
     * Cohen's d = (ma − mb) / √(((na−1)va + (nb−1)vb) / (na + nb − 2)). Needs two values per sample.
     */
    public static Comparison welch(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) throw new IllegalArgumentException("Welch's test needs at least 2 values per sample");
        double ma = mean(a), mb = mean(b), va = square(sd(a)), vb = square(sd(b));
        int na = a.length, nb = b.length;
        double sa = va / na, sb = vb / nb;
        double pooled = Math.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2));
        double d = pooled == 0 ? (ma == mb ? 0 : Math.copySign(Double.POSITIVE_INFINITY, ma - mb)) : (ma - mb) / pooled;
        if (sa + sb == 0) return new Comparison(ma == mb ? 0 : Math.copySign(Double.POSITIVE_INFINITY, ma - mb), na + nb - 2, ma == mb ? 1 : 0, d);
        double t = (ma - mb) / Math.sqrt(sa + sb);
        double df = square(sa + sb) / (square(sa) / (na - 1) + square(sb) / (nb - 1));
        double p = 2 * (1 - new TDistribution(df).cumulativeProbability(Math.abs(t)));
        return new Comparison(t, df, Math.min(1, Math.max(0, p)), d);
    }

    static double tQuantile(double p, int df) {
        return new TDistribution(df).inverseCumulativeProbability(p);
    }

    private static double square(double x) { return x * x; }
}
