package dev.bantam.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A study directory's derived files — summary.json, report.md, report.html, charts/*.svg — are
 * a pure function of raw.jsonl and manifest.json. {@link #writeAll} writes them; {@link #verify}
 * computes them again and names the first line of each file that differs.
 */
public final class Reports {
    private Reports() {}

    public static StudySummary writeAll(Path dir) throws IOException {
        var derived = derive(dir);
        for (var e : derived.files.entrySet()) {
            Files.createDirectories(dir.resolve(e.getKey()).getParent());
            Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        return derived.summary;
    }

    /** One mismatch per derived file that differs from its recomputation (empty: all verified). */
    public static List<String> verify(Path dir) throws IOException {
        var derived = derive(dir);
        List<String> problems = new ArrayList<>();
        for (var e : derived.files.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.exists(file)) {
                problems.add(e.getKey() + ": missing");
                continue;
            }
            firstDifference(Files.readString(file, StandardCharsets.UTF_8), e.getValue())
                    .ifPresent(d -> problems.add(e.getKey() + ": " + d));
        }
        return problems;
    }

    private record Derived(StudySummary summary, Map<String, String> files) {}

    private static Derived derive(Path dir) throws IOException {
        Path raw = dir.resolve(StudyFiles.RAW), manifestFile = dir.resolve(StudyFiles.MANIFEST);
        for (Path needed : List.of(raw, manifestFile)) {
            if (!Files.isRegularFile(needed)) throw new IOException(dir + ": not a study directory (no " + needed.getFileName() + ")");
        }
        Manifest manifest = Manifest.read(manifestFile);
        List<RawRun> runs = RawRun.read(raw);
        var accuracy = manifest.spec().accuracy();
        StudySummary summary = Summarizer.summarize(runs, accuracy, accuracy.base().label());
        ReportDocument doc = ReportBuilder.build(summary, manifest);
        Map<String, String> files = new LinkedHashMap<>();
        files.put(StudyFiles.SUMMARY, Json.pretty(summary));
        files.put(StudyFiles.REPORT_MD, MarkdownRenderer.render(doc));
        files.put(StudyFiles.REPORT_HTML, HtmlRenderer.render("Bantam study " + manifest.started(), doc));
        for (var chart : doc.charts()) files.put(StudyFiles.CHARTS + "/" + chart.name() + ".svg", chart.svg());
        return new Derived(summary, files);
    }

    private static Optional<String> firstDifference(String actual, String expected) {
        if (actual.equals(expected)) return Optional.empty();
        String[] a = actual.split("\n", -1), e = expected.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, e.length); i++) {
            String x = i < a.length ? a[i] : "<end of file>", y = i < e.length ? e[i] : "<end of file>";
            if (!x.equals(y)) return Optional.of("line %d is \"%s\", recomputed from raw.jsonl: \"%s\"".formatted(i + 1, clip(x), clip(y)));
        }
        return Optional.of("differs");
    }

    private static String clip(String s) {
        return s.length() > 160 ? s.substring(0, 157) + "..." : s;
    }
}
