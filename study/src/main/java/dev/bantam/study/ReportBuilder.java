package dev.bantam.study;

import dev.bantam.study.StudySummary.AccuracyRow;
import dev.bantam.study.StudySummary.Distribution;
import dev.bantam.study.StudySummary.Group;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The report's content, built from the summary and manifest only: accuracy first, then speed
 * per scenario for variants that passed their gate, comparisons, the sequence-length sweep,
 * charts, and the failures. Variants that failed their gate, or whose accuracy could not be
 * checked, appear only under headings that say so.
 */
final class ReportBuilder {
    private ReportBuilder() {}

    static ReportDocument build(StudySummary s, Manifest m) {
        var doc = new ReportDocument();
        var c = s.counts();
        doc.heading(1, "Bantam study");
        doc.paragraph("Started %s, finished %s. `raw.jsonl` holds %d runs: %d measured and %d warm-ups; %d OK, %d FAILED, %d TIMEOUT. Every number below is computed from those lines (`bantam report --verify DIR` recomputes them); non-OK runs and warm-ups never contribute."
                .formatted(m.started(), m.finished() == null ? "(not finished)" : m.finished(), c.runs(), c.measured(), c.warmups(), c.ok(), c.failed(), c.timeout()));
        method(doc, m);
        environment(doc, m);
        accuracy(doc, s);
        runCounts(doc, s);
        charts(doc, s);
        speed(doc, s);
        sweep(doc, s);
        failures(doc, s);
        return doc;
    }

    private static void method(ReportDocument doc, Manifest m) {
        var spec = m.spec();
        doc.heading(2, "Method");
        List<String> bullets = new ArrayList<>(List.of(
                "Each backend variant runs in its own child JVM; a crash, exception or hang becomes a FAILED or TIMEOUT run (timeout %d s per run) with no timing fields.".formatted(spec.timeoutSeconds()),
                "Per scenario: %d warm-up runs (recorded, never aggregated), then %d measured repetitions. Prompts are random token ids from seed %d (the same ids for every variant); decode feeds back the greedy token and never stops at end of text; %d threads.".formatted(spec.warmups(), spec.repetitions(), spec.seed(), spec.threads()),
                "Timing: `System.nanoTime()` around the backend call only. **prefill tok/s** = batch·prompt_tokens / prefill_s. **TTFT** = prefill + choosing the first tokens. **decode tok/s** = decode_tokens / Σ step_s (decode_tokens = batch·steps). **decode ms/token** = Σ step_ms / steps (mean step time). For the `openai` backend prefill is the time to the first streamed chunk and decode runs from each request's first chunk to its last, with token counts from the server's usage.",
                "Memory: the child JVM's resident set (VmRSS) after each run and its peak (VmHWM), from /proc/self/status; for accelerator backends the most device memory the session held (weights, KV cache, scratch).",
                "Statistics per (model, variant, scenario, phase) over OK measured runs: n, mean, median, sample sd (n−1), nearest-rank p95, and the 95% confidence interval of the mean, mean ± t(0.975, n−1)·sd/√n. A run whose latency exceeds 2× its group's median is counted as an outlier and kept.",
                "Comparisons: each variant against the reference (the accuracy base where it ran, else the model's first variant) on tok/s: ratio of medians, Welch's two-sided t-test p (Welch–Satterthwaite df) and Cohen's d = (mean_a − mean_b)/pooled sd. p ≥ 0.05 is reported as \"no significant difference\" and never ranked.",
                "Accuracy: perplexity as llama.cpp computes it over the first %d windows of %d tokens (BOS at each window start when the model adds one; positions ctx/2…ctx−2 scored): PPL = exp(mean NLL) ± PPL·√(var(NLL)/(n−1)). Against the base %s on the same token ids: KL(base ‖ variant) per scored position, mean and nearest-rank p99; same top-1 token (%%); max |Δlogit|; Δppl = (PPL − PPL_base)/PPL_base.".formatted(spec.accuracy().windows(), spec.accuracy().ctx(), spec.accuracy().base().label()),
                "Gates |Δppl|: fp32 ≤ %s%%, f16/bf16/fp16 ≤ %s%%, 8-bit ≤ %s%%, 4-6-bit ≤ %s%%. A variant that fails its gate has its speed shown only under \"Failed accuracy gate\". GGUF variants are the model converted with every matrix in the named type (`quantize --pure`), so each backend runs identical weights; ONNX variants are exports of the f32 weights.".formatted(
                        Fmt.num(spec.accuracy().gatePercent("f32")), Fmt.num(spec.accuracy().gatePercent("f16")), Fmt.num(spec.accuracy().gatePercent("q8_0")), Fmt.num(spec.accuracy().gatePercent("q4_k")))));
        // said only where it applies, so the reports of studies without llama.cpp stay as they were
        if (spec.backends() != null && spec.backends().stream().anyMatch(v -> v.backend().equals("llama.cpp"))) {
            bullets.add("`llama.cpp` variants: speed through `llama-server` (started per variant on a loopback port, measured as the `openai` backend is); accuracy from `llama-perplexity` on the same text, context and windows, its PPL ± error as it prints them, gated by the same Δppl rule. llama-perplexity reports no per-token logits, so KL, top-1 agreement and max |Δlogit| read \"not measured\" for it.");
        }
        if (spec.backends() != null && spec.backends().stream().anyMatch(v -> v.type() != null && v.type().endsWith(ModelPreparer.MIX_SUFFIX))) {
            bullets.add("A type with llama.cpp's `_m` suffix (`q4_k_m`, `q5_k_m`) is that mix instead, as plain `quantize` writes it (Q6_K for the output matrix and for attn_v and ffn_down of the layers that matter most): again one file for every backend that runs it.");
        }
        doc.bullets(bullets);
    }

    private static void environment(ReportDocument doc, Manifest m) {
        doc.heading(2, "Environment");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("Bantam", m.bantamVersion() + " (" + m.gitSha() + ")"));
        rows.add(List.of("JVM", m.jvmVendor() + " " + m.jvmVersion()));
        rows.add(List.of("JVM flags", "`" + m.jvmFlags() + "`"));
        rows.add(List.of("OS", m.os()));
        rows.add(List.of("CPU", m.cpu() + ", " + m.cores() + " cores"));
        rows.add(List.of("Memory", String.format(Locale.ROOT, "%.1f GiB", m.memoryBytes() / (double) (1L << 30))));
        rows.add(List.of("GPU", m.gpu()));
        for (var b : m.backends()) rows.add(List.of("backend " + b.id(), b.available() ? b.version() : "unavailable: " + b.reason()));
        if (m.shards() != null) { // merged from shards: each ran on its own machine
            rows.add(List.of("shards", m.shards().size() + ", merged by `bantam report --merge`; the rows above are shard " + m.shards().getFirst().shard() + "'s"));
            for (var sh : m.shards()) {
                rows.add(List.of("shard " + sh.shard(), "%s, %d cores, GPU %s; %s to %s".formatted(sh.cpu(), sh.cores(), sh.gpu(), sh.started(), sh.finished())));
                for (var b : sh.backends()) if (b.available()) rows.add(List.of("shard " + sh.shard() + " backend " + b.id(), b.version()));
            }
        }
        for (var model : m.models()) {
            for (var f : model.files()) rows.add(List.of("model " + model.name() + " " + f.variant(), "`" + f.path() + "` sha256 " + f.sha256().substring(0, 16) + "…"));
        }
        doc.table(List.of("what", "value"), rows);
    }

    private static void accuracy(ReportDocument doc, StudySummary s) {
        doc.heading(2, "Accuracy (before speed)");
        List<List<String>> rows = new ArrayList<>();
        for (AccuracyRow a : s.accuracy()) {
            if (a.ppl() == null) {
                rows.add(List.of(a.model(), a.variant(), noData(a.nFailed()), "", "", "", "", "", "", "no data" + (a.error() == null ? "" : ": " + a.error())));
                continue;
            }
            boolean noLogits = a.klMean() == null && !a.gate().equals("base"); // perplexity from the backend's own tool
            String nm = "not measured";
            rows.add(List.of(a.model(), a.variant(), Fmt.num(a.ppl()) + " ± " + Fmt.num(a.pplError()), Fmt.pct(a.deltaPplPercent()),
                    noLogits ? nm : Fmt.num(a.klMean()), noLogits ? nm : Fmt.num(a.klP99()), noLogits ? nm : Fmt.num(a.sameTopPercent()) + "%",
                    noLogits ? nm : Fmt.num(a.maxAbsDlogit()),
                    "≤ " + Fmt.num(a.gatePercent()) + "%", a.gate()));
        }
        doc.table(List.of("model", "variant", "PPL ± se", "Δppl", "KL mean", "KL p99", "same top-1", "max |Δlogit|", "gate", "result"), rows);
    }

    private static void runCounts(ReportDocument doc, StudySummary s) {
        doc.heading(2, "Runs per variant");
        List<List<String>> rows = new ArrayList<>();
        for (var v : s.variants()) {
            rows.add(List.of(v.model(), v.variant(), Integer.toString(v.runs()), Integer.toString(v.ok()), Integer.toString(v.failed()),
                    Integer.toString(v.timeout()), Fmt.num(v.rssMib()), Fmt.num(v.peakRssMib()), v.deviceMib() == null ? "-" : Fmt.num(v.deviceMib())));
        }
        doc.table(List.of("model", "variant", "runs", "OK", "FAILED", "TIMEOUT", "RSS MiB after first run", "peak RSS MiB", "device MiB"), rows);
    }

    private static void speed(ReportDocument doc, StudySummary s) {
        for (String gate : List.of("pass", "fail", "unchecked")) {
            List<Group> groups = s.groups().stream().filter(g -> g.gate().equals(gate) && !isSweep(g)).toList();
            if (groups.isEmpty()) continue;
            switch (gate) {
                case "pass" -> doc.heading(2, "Speed");
                case "fail" -> doc.heading(2, "Failed accuracy gate").paragraph("These variants failed their accuracy gate: their speed is shown for reference only and is not compared.");
                default -> doc.heading(2, "Accuracy not checked").paragraph("These variants have no accuracy result (the pass failed or the backend gives no logits): their speed is not compared.");
            }
            for (String scenario : new LinkedHashSet<>(groups.stream().map(Group::scenario).toList())) {
                List<Group> in = groups.stream().filter(g -> g.scenario().equals(scenario)).toList();
                Group g0 = in.getFirst();
                doc.heading(3, "%s (batch %d, prompt %d, decode %d)".formatted(scenario, g0.batch(), g0.promptTokens(), g0.decodeSteps()));
                doc.table(List.of("model", "variant", "phase", "OK / failed", "tok/s mean", "median", "sd", "95% CI", "p95 latency ms", "median latency ms", "outliers", "TTFT median ms"),
                        in.stream().map(ReportBuilder::speedRow).toList());
                if (gate.equals("pass")) comparisons(doc, s, scenario);
            }
        }
    }

    private static List<String> speedRow(Group g) {
        String counts = g.nOk() + " / " + (g.nFailed() + g.nTimeout());
        String latency = g.phase().equals(Summarizer.PREFILL) ? "prefill" : "per token";
        if (g.tokS() == null) {
            String nd = noData(g.nFailed() + g.nTimeout());
            return List.of(g.model(), g.variant(), g.phase(), counts, nd, nd, nd, nd, nd, nd, "", "");
        }
        Distribution t = g.tokS(), ms = g.ms();
        return List.of(g.model(), g.variant(), g.phase(), counts, Fmt.num(t.mean()), Fmt.num(t.median()), Fmt.num(t.sd()),
                Fmt.num(t.ciLow()) + " – " + Fmt.num(t.ciHigh()), Fmt.num(ms.p95()) + " (" + latency + ")", Fmt.num(ms.median()),
                Integer.toString(g.nOutliers()), g.ttftMs() == null ? "" : Fmt.num(g.ttftMs().median()));
    }

    private static void comparisons(ReportDocument doc, StudySummary s, String scenario) {
        Set<String> passing = new LinkedHashSet<>();
        for (Group g : s.groups()) if (g.gate().equals("pass")) passing.add(g.model() + "\u0000" + g.variant());
        var rows = s.comparisons().stream().filter(c -> c.scenario().equals(scenario)
                        && passing.contains(c.model() + "\u0000" + c.variant()) && passing.contains(c.model() + "\u0000" + c.reference()))
                .map(c -> List.of(c.model(), c.variant(), "vs " + c.reference(), c.phase(), Fmt.num(c.ratioOfMedians()) + "×",
                        Fmt.p(c.p()), Fmt.num(c.cohenD()), c.verdict())).toList();
        if (!rows.isEmpty()) doc.table(List.of("model", "variant", "reference", "phase", "ratio of medians (tok/s)", "Welch p", "Cohen's d", "verdict"), rows);
    }

    private static void sweep(ReportDocument doc, StudySummary s) {
        List<Group> sweep = s.groups().stream().filter(ReportBuilder::isSweep).toList();
        if (sweep.isEmpty()) return;
        List<Integer> lengths = sweep.stream().map(Group::promptTokens).distinct().sorted().toList();
        doc.heading(2, "Latency vs sequence length");
        doc.paragraph("Median prefill ms for a prompt of L tokens, and median decode ms per token right after it (batch 1). Gate result in brackets.");
        for (String phase : List.of(Summarizer.PREFILL, Summarizer.DECODE)) {
            List<String> headers = new ArrayList<>(List.of("model", "variant"));
            for (int l : lengths) headers.add("L=" + l);
            List<List<String>> rows = new ArrayList<>();
            for (String key : new LinkedHashSet<>(sweep.stream().map(g -> g.model() + "\u0000" + g.variant()).toList())) {
                List<Group> of = sweep.stream().filter(g -> (g.model() + "\u0000" + g.variant()).equals(key) && g.phase().equals(phase)).toList();
                if (of.isEmpty()) continue;
                List<String> row = new ArrayList<>(List.of(of.getFirst().model(), of.getFirst().variant() + " [" + of.getFirst().gate() + "]"));
                for (int l : lengths) {
                    Group g = of.stream().filter(x -> x.promptTokens() == l).findFirst().orElse(null);
                    row.add(g == null ? "" : g.ms() == null ? noData(g.nFailed() + g.nTimeout()) : Fmt.num(g.ms().median()));
                }
                rows.add(row);
            }
            doc.heading(3, phase.equals(Summarizer.PREFILL) ? "Prefill ms (median)" : "Decode ms per token (median)");
            doc.table(headers, rows);
        }
    }

    private static void charts(ReportDocument doc, StudySummary s) {
        doc.heading(2, "Charts");
        doc.paragraph("Bars and points are medians of OK runs; a series without OK runs is marked \"no data\" in the legend, never drawn as zero.");
        for (String model : new LinkedHashSet<>(s.groups().stream().map(Group::model).toList())) {
            List<Group> mg = s.groups().stream().filter(g -> g.model().equals(model)).toList();
            List<String> variants = new ArrayList<>(new LinkedHashSet<>(mg.stream().map(Group::variant).toList()));
            List<String> scenarios = new ArrayList<>(new LinkedHashSet<>(mg.stream().filter(g -> !isSweep(g)).map(Group::scenario).toList()));
            String slug = model.replaceAll("[^A-Za-z0-9._-]", "_");
            for (String phase : List.of(Summarizer.PREFILL, Summarizer.DECODE)) {
                List<SvgChart.Series> series = new ArrayList<>();
                for (String v : variants) {
                    Double[] vals = new Double[scenarios.size()];
                    for (int i = 0; i < scenarios.size(); i++) vals[i] = median(mg, v, scenarios.get(i), phase, true);
                    series.add(new SvgChart.Series(v, vals));
                }
                if (!scenarios.isEmpty()) {
                    String title = model + ": " + phase + " tok/s by backend and scenario";
                    doc.chart(slug + "-" + phase + "-throughput", title, SvgChart.bars(title, phase + " tok/s (median)", scenarios, series));
                }
            }
            String sc = scenarios.contains(s.representativeScenario()) ? s.representativeScenario() : scenarios.isEmpty() ? null : scenarios.getFirst();
            if (sc != null) {
                List<SvgChart.Series> series = new ArrayList<>();
                for (String phase : List.of(Summarizer.PREFILL, Summarizer.DECODE)) {
                    Double[] vals = new Double[variants.size()];
                    for (int i = 0; i < variants.size(); i++) vals[i] = median(mg, variants.get(i), sc, phase, true);
                    series.add(new SvgChart.Series(phase, vals));
                }
                String title = model + ": prefill vs decode tok/s (" + sc + ")";
                doc.chart(slug + "-prefill-vs-decode", title, SvgChart.bars(title, "tok/s (median)", variants, series));
            }
            List<Integer> lengths = mg.stream().filter(ReportBuilder::isSweep).map(Group::promptTokens).distinct().sorted().toList();
            if (!lengths.isEmpty()) {
                double[] xs = lengths.stream().mapToDouble(Integer::doubleValue).toArray();
                List<SvgChart.Series> series = new ArrayList<>();
                for (String v : variants) {
                    Double[] vals = new Double[lengths.size()];
                    for (int i = 0; i < lengths.size(); i++) vals[i] = median(mg, v, Scenario.SWEEP_PREFIX + lengths.get(i), Summarizer.PREFILL, false);
                    series.add(new SvgChart.Series(v, vals));
                }
                String title = model + ": prefill latency vs sequence length";
                doc.chart(slug + "-latency-vs-length", title, SvgChart.lines(title, "prompt tokens", "prefill ms (median)", xs, series));
            }
            List<AccuracyRow> acc = s.accuracy().stream().filter(a -> a.model().equals(model)).toList();
            if (!acc.isEmpty() && sc != null) {
                List<String> labels = acc.stream().map(AccuracyRow::variant).toList();
                Double[] xs = new Double[labels.size()], ys = new Double[labels.size()];
                for (int i = 0; i < labels.size(); i++) {
                    xs[i] = median(mg, labels.get(i), sc, Summarizer.DECODE, true);
                    ys[i] = acc.get(i).deltaPplPercent();
                }
                String title = model + ": accuracy vs speed (Δppl % vs decode tok/s, " + sc + ")";
                doc.chart(slug + "-accuracy-vs-speed", title, SvgChart.scatter(title, "decode tok/s (median)", "Δppl %", labels, xs, ys));
            }
        }
    }

    private static Double median(List<Group> groups, String variant, String scenario, String phase, boolean tokS) {
        return groups.stream().filter(g -> g.variant().equals(variant) && g.scenario().equals(scenario) && g.phase().equals(phase))
                .findFirst().map(g -> tokS ? g.tokS() : g.ms()).map(Distribution::median).orElse(null);
    }

    private static void failures(ReportDocument doc, StudySummary s) {
        doc.heading(2, "Failures");
        if (s.failures().isEmpty()) {
            doc.paragraph("No run failed or timed out.");
            return;
        }
        doc.table(List.of("model", "variant", "scenario", "status", "runs", "error"), s.failures().stream()
                .map(f -> List.of(f.model(), f.variant(), f.scenario(), f.status(), Integer.toString(f.count()), f.error() == null ? "" : f.error())).toList());
    }

    private static boolean isSweep(Group g) { return g.scenario().startsWith(Scenario.SWEEP_PREFIX); }

    static String noData(int failed) { return "no data (" + failed + " failed)"; }
}
