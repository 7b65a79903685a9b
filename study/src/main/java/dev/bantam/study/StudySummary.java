package dev.bantam.study;

import java.util.List;

/**
 * Every number a report shows, computed from {@code raw.jsonl} alone by {@link Summarizer}
 * (non-OK runs and warm-ups never contribute). Written as {@code summary.json}.
 */
public record StudySummary(Counts counts, List<VariantCounts> variants, List<AccuracyRow> accuracy,
                           List<Group> groups, List<ComparisonRow> comparisons, List<FailureRow> failures) {

    /** The scenario that stands for the others in short tables and charts: the batch-1 one with the longest prompt. */
    public String representativeScenario() {
        return groups.stream().filter(g -> g.batch() == 1 && !g.scenario().startsWith(Scenario.SWEEP_PREFIX))
                .max(java.util.Comparator.comparingInt(Group::promptTokens)).map(Group::scenario)
                .orElse(groups.isEmpty() ? "-" : groups.getFirst().scenario());
    }

    /** Non-OK runs with the same model, variant, scenario, status and error, counted. */
    public record FailureRow(String model, String variant, String scenario, String status, int count, String error) {}

    /** Lines of raw.jsonl by status; {@code measured} excludes warm-ups. */
    public record Counts(int runs, int warmups, int measured, int ok, int failed, int timeout) {}

    /**
     * Runs by status; the resident set of the variant's JVM after its first OK speed run and at
     * its peak, and the most accelerator memory its session held (MiB, null where none).
     */
    public record VariantCounts(String model, String variant, int runs, int ok, int failed, int timeout,
                                Double rssMib, Double peakRssMib, Double deviceMib) {}

    /**
     * Accuracy of one variant against the base. {@code gate}: {@code base}, {@code pass},
     * {@code fail}, or {@code no data} when its accuracy pass did not complete.
     */
    public record AccuracyRow(String model, String variant, String gate, double gatePercent, int nOk, int nFailed,
                              String error, Integer scoredTokens, Double ppl, Double pplError, Double deltaPplPercent,
                              Double klMean, Double klP99, Double sameTopPercent, Double maxAbsDlogit) {}

    /** A statistic of one metric over a group's OK measured runs. */
    public record Distribution(int n, double mean, double median, double sd, double min, double max,
                               double p50, double p90, double p95, double p99, double ciLow, double ciHigh) {
        static Distribution of(Statistics.Summary s) {
            return new Distribution(s.n(), s.mean(), s.median(), s.sd(), s.min(), s.max(), s.p50(), s.p90(), s.p95(), s.p99(), s.ciLow(), s.ciHigh());
        }
    }

    /**
     * One (model, variant, scenario, phase). Phase {@code prefill}: tokS = prefill tok/s, ms =
     * prefill ms, ttftMs. Phase {@code decode}: tokS = decode tok/s, ms = ms per token. Null
     * distributions when no run was OK.
     */
    public record Group(String model, String variant, String scenario, int batch, int promptTokens, int decodeSteps,
                        String phase, String gate, int nOk, int nFailed, int nTimeout, int nOutliers,
                        Distribution tokS, Distribution ms, Distribution ttftMs) {}

    /**
     * A variant against the reference variant in the same model, scenario and phase: ratio of
     * median tok/s, Welch's p and Cohen's d on the tok/s samples.
     */
    public record ComparisonRow(String model, String scenario, String phase, String variant, String reference,
                                double ratioOfMedians, Double p, Double cohenD, String verdict) {}
}
