package dev.bantam.study;

import dev.bantam.study.StudySummary.AccuracyRow;
import dev.bantam.study.StudySummary.ComparisonRow;
import dev.bantam.study.StudySummary.Distribution;
import dev.bantam.study.StudySummary.Group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * raw.jsonl → {@link StudySummary}. The only place numbers are derived; reports print its
 * fields. Formulas (stated in the report's method section):
 * prefill tok/s = batch·prompt / prefill_s; TTFT = prefill + first sampling;
 * decode tok/s = decode_tokens / decode_s; decode ms/token = decode_ms / (decode_tokens / batch);
 * PPL = exp(mean NLL) ± PPL·√(var(NLL)/(n−1)); KL per position = Σ p_base·(log p_base − log p).
 */
public final class Summarizer {
    private Summarizer() {}

    public static final String PREFILL = "prefill", DECODE = "decode";
    private static final double MIB = 1024.0 * 1024.0;

    public static StudySummary summarize(List<RawRun> runs, AccuracySpec accuracy, String baseLabel) {
        List<AccuracyRow> accuracyRows = accuracyRows(runs, accuracy, baseLabel);
        return new StudySummary(counts(runs), variantCounts(runs), accuracyRows,
                groups(runs, accuracyRows), comparisons(runs, baseLabel), failures(runs));
    }

    private static List<StudySummary.FailureRow> failures(List<RawRun> runs) {
        Map<String, List<RawRun>> m = groupBy(runs.stream().filter(r -> !r.ok()).toList(),
                r -> key(r.model(), r.variant(), r.scenario()) + "\u0000" + r.status() + "\u0000" + r.error());
        List<StudySummary.FailureRow> out = new ArrayList<>();
        for (List<RawRun> g : m.values()) {
            RawRun r = g.getFirst();
            out.add(new StudySummary.FailureRow(r.model(), r.variant(), r.scenario(), r.status().name(), g.size(), r.error()));
        }
        return out;
    }

    private static StudySummary.Counts counts(List<RawRun> runs) {
        int warm = 0, ok = 0, failed = 0, timeout = 0;
        for (RawRun r : runs) {
            if (r.warmup()) warm++;
            switch (r.status()) {
                case OK -> ok++;
                case FAILED -> failed++;
                case TIMEOUT -> timeout++;
            }
        }
        return new StudySummary.Counts(runs.size(), warm, runs.size() - warm, ok, failed, timeout);
    }

    private static List<StudySummary.VariantCounts> variantCounts(List<RawRun> runs) {
        Map<String, int[]> m = new LinkedHashMap<>();
        Map<String, RawRun> first = new LinkedHashMap<>();
        for (RawRun r : runs) {
            String k = r.model() + "\u0000" + r.variant();
            first.putIfAbsent(k, r);
            int[] c = m.computeIfAbsent(k, x -> new int[4]);
            c[0]++;
            c[1 + r.status().ordinal()]++;
        }
        List<StudySummary.VariantCounts> out = new ArrayList<>();
        m.forEach((k, c) -> {
            RawRun f = first.get(k);
            List<RawRun> speed = runs.stream().filter(r -> r.ok() && r.kind().equals(RawRun.SPEED) && r.model().equals(f.model())
                    && r.variant().equals(f.variant()) && r.rssBytes() != null).toList();
            Double rss = speed.isEmpty() ? null : speed.getFirst().rssBytes() / MIB;
            Double peak = speed.isEmpty() ? null : speed.stream().mapToLong(RawRun::peakRssBytes).max().orElseThrow() / MIB;
            Double device = speed.stream().filter(r -> r.deviceBytes() != null).mapToLong(RawRun::deviceBytes).max().stream()
                    .mapToObj(b -> b / MIB).findFirst().orElse(null);
            out.add(new StudySummary.VariantCounts(f.model(), f.variant(), c[0], c[1], c[2], c[3], rss, peak, device));
        });
        return out;
    }

    private static List<AccuracyRow> accuracyRows(List<RawRun> runs, AccuracySpec spec, String baseLabel) {
        Map<String, List<RawRun>> byVariant = groupBy(runs.stream().filter(r -> r.kind().equals(RawRun.ACCURACY)).toList(),
                r -> r.model() + "\u0000" + r.variant());
        List<AccuracyRow> rows = new ArrayList<>();
        for (List<RawRun> group : byVariant.values()) {
            RawRun any = group.getFirst();
            boolean isBase = any.variant().equals(baseLabel);
            RawRun ok = group.stream().filter(RawRun::ok).findFirst().orElse(null);
            RawRun base = runs.stream().filter(r -> r.kind().equals(RawRun.ACCURACY) && r.ok() && r.model().equals(any.model())
                    && r.variant().equals(baseLabel)).findFirst().orElse(null);
            int nOk = (int) group.stream().filter(RawRun::ok).count(), nFailed = group.size() - nOk;
            double gate = spec.gatePercent(any.type());
            if (ok == null || base == null) {
                String error = ok == null ? group.getFirst().error() : "the base " + baseLabel + " has no accuracy data";
                rows.add(new AccuracyRow(any.model(), any.variant(), "no data", gate, nOk, nFailed, error,
                        null, null, null, null, null, null, null, null));
                continue;
            }
            double[] ppl = ok.nll() != null ? perplexity(ok.nll()) : new double[] {ok.ppl(), ok.pplError()}, basePpl = perplexity(base.nll());
            double delta = (ppl[0] - basePpl[0]) / basePpl[0] * 100;
            String verdict = isBase ? "base" : Math.abs(delta) <= gate ? "pass" : "fail";
            if (ok.kl() == null) { // a backend's own perplexity tool (llama.cpp): the same Δppl gate, no KL or top-1
                rows.add(new AccuracyRow(any.model(), any.variant(), verdict, gate, nOk, nFailed, null, ok.scoredTokens(),
                        ppl[0], ppl[1], delta, null, null, null, null));
                continue;
            }
            double[] kl = ok.kl().clone();
            Arrays.sort(kl);
            rows.add(new AccuracyRow(any.model(), any.variant(), verdict, gate, nOk, nFailed, null, ok.scoredTokens(),
                    ppl[0], ppl[1], delta, Statistics.mean(kl), Statistics.nearestRank(kl, 99),
                    100.0 * ok.sameTop() / ok.scoredTokens(), ok.maxAbsDlogit()));
        }
        return rows;
    }

    /** {ppl, error} as llama.cpp's perplexity tool: exp(mean), ppl·√(var/(n−1)). */
    static double[] perplexity(double[] nll) {
        double sum = 0, sum2 = 0;
        for (double v : nll) {
            sum += v;
            sum2 += v * v;
        }
        int n = nll.length;
        double mean = sum / n, variance = sum2 / n - mean * mean;
        double ppl = Math.exp(mean);
        return new double[]{ppl, n > 1 ? ppl * Math.sqrt(Math.max(0, variance) / (n - 1)) : 0};
    }

    /** Speed groups, each with its variant's gate result ({@code unchecked} without accuracy data). */
    private static List<Group> groups(List<RawRun> runs, List<AccuracyRow> accuracyRows) {
        Map<String, String> gates = new LinkedHashMap<>();
        for (AccuracyRow a : accuracyRows) {
            gates.put(a.model() + "\u0000" + a.variant(), switch (a.gate()) {
                case "base", "pass" -> "pass";
                case "fail" -> "fail";
                default -> "unchecked";
            });
        }
        List<Group> out = new ArrayList<>();
        for (List<RawRun> g : speedGroups(runs).values()) {
            RawRun any = g.getFirst();
            String gate = gates.getOrDefault(any.model() + "\u0000" + any.variant(), "unchecked");
            List<RawRun> measured = g.stream().filter(r -> !r.warmup()).toList();
            List<RawRun> ok = measured.stream().filter(RawRun::ok).toList();
            int failed = (int) measured.stream().filter(r -> r.status() == RunOutcome.Status.FAILED).count();
            int timeout = (int) measured.stream().filter(r -> r.status() == RunOutcome.Status.TIMEOUT).count();
            out.add(new Group(any.model(), any.variant(), any.scenario(), any.batch(), any.promptTokens(), any.decodeSteps(),
                    PREFILL, gate, ok.size(), failed, timeout, outliers(ok, RawRun::prefillNs),
                    dist(ok, Summarizer::prefillTokS), dist(ok, r -> r.prefillNs() / 1e6), dist(ok, r -> (r.prefillNs() + r.sampleNs()) / 1e6)));
            if (any.decodeSteps() > 0) {
                out.add(new Group(any.model(), any.variant(), any.scenario(), any.batch(), any.promptTokens(), any.decodeSteps(),
                        DECODE, gate, ok.size(), failed, timeout, outliers(ok, RawRun::decodeNs),
                        dist(ok, Summarizer::decodeTokS), dist(ok, r -> r.decodeNs() / 1e6 / (r.decodeTokens() / (double) r.batch())), null));
            }
        }
        return out;
    }

    static double prefillTokS(RawRun r) { return r.batch() * (double) r.promptTokens() / (r.prefillNs() / 1e9); }

    static double decodeTokS(RawRun r) { return r.decodeTokens() / (r.decodeNs() / 1e9); }

    /** Runs whose latency is over twice the group's median: kept and counted, never dropped. */
    private static int outliers(List<RawRun> ok, java.util.function.Function<RawRun, Long> latency) {
        if (ok.isEmpty()) return 0;
        double median = Statistics.summarize(ok.stream().mapToDouble(r -> latency.apply(r)).toArray()).median();
        return (int) ok.stream().filter(r -> latency.apply(r) > 2 * median).count();
    }

    private static Distribution dist(List<RawRun> ok, ToDoubleFunction<RawRun> metric) {
        return ok.isEmpty() ? null : Distribution.of(Statistics.summarize(ok.stream().mapToDouble(metric).toArray()));
    }

    private static List<ComparisonRow> comparisons(List<RawRun> runs, String baseLabel) {
        Map<String, List<RawRun>> groups = speedGroups(runs);
        List<ComparisonRow> out = new ArrayList<>();
        for (List<RawRun> g : groups.values()) {
            RawRun any = g.getFirst();
            String reference = referenceVariant(groups, any.model(), baseLabel);
            if (reference == null || reference.equals(any.variant())) continue;
            List<RawRun> ref = groups.get(key(any.model(), reference, any.scenario()));
            if (ref == null) continue;
            for (String phase : any.decodeSteps() > 0 ? List.of(PREFILL, DECODE) : List.of(PREFILL)) {
                ToDoubleFunction<RawRun> metric = phase.equals(PREFILL) ? Summarizer::prefillTokS : Summarizer::decodeTokS;
                double[] a = okMeasured(g, metric), b = okMeasured(ref, metric);
                if (a.length == 0 || b.length == 0) continue;
                double ratio = Statistics.summarize(a).median() / Statistics.summarize(b).median();
                if (a.length < 2 || b.length < 2) {
                    out.add(new ComparisonRow(any.model(), any.scenario(), phase, any.variant(), reference, ratio, null, null, "too few runs"));
                    continue;
                }
                var c = Statistics.welch(a, b);
                String verdict = c.p() >= 0.05 ? "no significant difference" : ratio > 1 ? "faster" : "slower";
                out.add(new ComparisonRow(any.model(), any.scenario(), phase, any.variant(), reference, ratio, c.p(), c.cohenD(), verdict));
            }
        }
        return out;
    }

    /** The accuracy base when it has speed runs in this model, otherwise the model's first variant. */
    private static String referenceVariant(Map<String, List<RawRun>> groups, String model, String baseLabel) {
        String first = null;
        for (List<RawRun> g : groups.values()) {
            if (!g.getFirst().model().equals(model)) continue;
            if (g.getFirst().variant().equals(baseLabel)) return baseLabel;
            if (first == null) first = g.getFirst().variant();
        }
        return first;
    }

    private static double[] okMeasured(List<RawRun> g, ToDoubleFunction<RawRun> metric) {
        return g.stream().filter(r -> !r.warmup() && r.ok()).mapToDouble(metric).toArray();
    }

    private static Map<String, List<RawRun>> speedGroups(List<RawRun> runs) {
        return groupBy(runs.stream().filter(r -> r.kind().equals(RawRun.SPEED)).toList(), r -> key(r.model(), r.variant(), r.scenario()));
    }

    private static String key(String model, String variant, String scenario) {
        return model + "\u0000" + variant + "\u0000" + scenario;
    }

    private static Map<String, List<RawRun>> groupBy(List<RawRun> runs, java.util.function.Function<RawRun, String> key) {
        Map<String, List<RawRun>> m = new LinkedHashMap<>();
        for (RawRun r : runs) m.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
        return m;
    }
}
