package dev.bantam.study;

import dev.bantam.core.backend.InferenceBackend;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a study: prepares each model's files, then per model the accuracy passes (the base
 * first, since the others compare with it) and the speed runs of every variant, each variant in
 * its own child JVM. Every run becomes one line of {@code raw.jsonl}, written as it finishes, so
 * an interrupted study keeps what it measured. Then the summary and the reports.
 */
public final class StudyRunner {
    /** Told about each run, for a progress line with an ETA. */
    public interface Progress {
        void update(int done, int total, String what, double etaSeconds);
    }

    private final StudySpec spec;
    private final Path out;
    private final ModelPreparer preparer;
    private final String bantamVersion;
    private final Progress progress;
    private final Shard shard;

    public StudyRunner(StudySpec spec, Path out, ModelPreparer preparer, String bantamVersion, Progress progress) {
        this(spec, out, preparer, bantamVersion, progress, Shard.ALL);
    }

    /** Runs only {@code shard}'s cells (and the accuracy base its variants compare with); see {@link Shard}. */
    public StudyRunner(StudySpec spec, Path out, ModelPreparer preparer, String bantamVersion, Progress progress, Shard shard) {
        this.shard = shard;
        this.spec = spec;
        this.out = out;
        this.preparer = preparer;
        this.bantamVersion = bantamVersion;
        this.progress = progress;
    }

    /** A variant of one model, ready to run: its file and backend options. */
    private record Prepared(String model, VariantSpec variant, Path file, Map<String, String> options, String unavailable, boolean mine) {}

    public StudySummary run() throws IOException, InterruptedException {
        String started = now();
        Files.createDirectories(out);
        if (spec.llamaCppDir() != null) System.setProperty(dev.bantam.study.llamacpp.LlamaCppBinaries.DIR_PROPERTY, spec.llamaCppDir());
        List<VariantSpec> variants = spec.backends() != null ? spec.backends() : DefaultVariants.available();
        StudySpec resolved = new StudySpec(spec.models(), variants, spec.scenarios(), spec.sweepLengths(), spec.sweepDecodeSteps(),
                spec.warmups(), spec.repetitions(), spec.timeoutSeconds(), threads(), spec.seed(), spec.accuracy(), spec.llamaCppDir());

        List<Manifest.ModelEntry> entries = new ArrayList<>();
        Map<String, List<Prepared>> byModel = new LinkedHashMap<>();
        List<VariantSpec> cellVariants = withBase(variants);
        List<Shard.Cell> owned = new ArrayList<>();
        for (int m = 0; m < spec.models().size(); m++) {
            String ref = spec.models().get(m);
            int firstCell = m * cellVariants.size();
            if (java.util.stream.IntStream.range(0, cellVariants.size()).noneMatch(v -> shard.owns(firstCell + v))) continue;
            progress.update(0, 1, "preparing " + ref, Double.NaN);
            Path source = preparer.resolve(ref);
            String name = modelName(ref, source);
            List<Prepared> prepared = new ArrayList<>();
            List<Manifest.FileEntry> files = new ArrayList<>();
            for (int vi = 0; vi < cellVariants.size(); vi++) {
                VariantSpec v = cellVariants.get(vi);
                boolean mine = shard.owns(firstCell + vi);
                if (mine) owned.add(new Shard.Cell(name, v.label()));
                if (!mine && !v.equals(spec.accuracy().base())) continue; // another shard's cell; the base stays for the KL of ours
                Prepared p = prepare(name, source, v, mine);
                prepared.add(p);
                if (p.file != null && files.stream().noneMatch(f -> f.variant().equals(v.label()))) {
                    files.add(new Manifest.FileEntry(v.label(), p.file.toString(), ModelPreparer.sha256(p.file)));
                }
            }
            entries.add(new Manifest.ModelEntry(name, ref, files));
            byModel.put(name, prepared);
        }
        Manifest manifest = Manifest.begin(bantamVersion, resolved, entries, started).withShard(shard.isAll() ? null : shard.withCells(owned));
        Files.writeString(out.resolve(StudyFiles.MANIFEST), Json.pretty(manifest));

        List<RunRequest> speedRuns = speedPlan();
        long accuracyVariants = byModel.values().stream().mapToLong(List::size).sum();
        long speedVariants = byModel.values().stream().flatMap(List::stream).filter(p -> p.mine && variants.contains(p.variant)).count();
        int total = (int) (accuracyVariants + speedVariants * speedRuns.size());
        double totalWork = accuracyVariants * accuracyWork() + speedVariants * work(speedRuns);
        ChildJvm child = new ChildJvm(out, spec.timeoutSeconds());
        Path work = Files.createDirectories(out.resolve(StudyFiles.WORK));
        long t0 = System.nanoTime();
        try (BufferedWriter raw = Files.newBufferedWriter(out.resolve(StudyFiles.RAW), StandardCharsets.UTF_8)) {
            var sink = new RawSink(raw, total, totalWork, t0);
            for (var e : byModel.entrySet()) {
                Path baseDir = Files.createDirectories(work.resolve(e.getKey() + "-base"));
                List<Prepared> ordered = new ArrayList<>(e.getValue());
                ordered.sort(Comparator.comparing((Prepared p) -> !p.variant.equals(spec.accuracy().base())));
                for (Prepared p : ordered) {
                    boolean isBase = p.variant.equals(spec.accuracy().base());
                    var job = new AccuracyJob(textPath().toAbsolutePath().toString(), spec.accuracy().ctx(), spec.accuracy().windows(), baseDir.toAbsolutePath().toString(), isBase);
                    RunRequest run = new RunRequest(0, StudyFiles.ACCURACY_SCENARIO, 1, spec.accuracy().ctx(), 0, false, 1);
                    execute(child, p, List.of(run), job, spec.accuracy().ctx(), 1, RawRun.ACCURACY, sink);
                }
                for (Prepared p : e.getValue()) {
                    if (!p.mine || !variants.contains(p.variant)) continue; // the base only for accuracy, other shards' cells not at all
                    int ctx = speedRuns.stream().mapToInt(r -> r.promptTokens() + r.decodeSteps()).max().orElse(1);
                    int batch = speedRuns.stream().mapToInt(RunRequest::batch).max().orElse(1);
                    execute(child, p, speedRuns, null, ctx, batch, RawRun.SPEED, sink);
                }
            }
        } finally {
            deleteRecursively(work);
        }
        Files.writeString(out.resolve(StudyFiles.MANIFEST), Json.pretty(manifest.finish(now())));
        return Reports.writeAll(out);
    }

    private void execute(ChildJvm child, Prepared p, List<RunRequest> runs, AccuracyJob accuracy, int ctx, int batch,
                         String kind, RawSink sink) throws IOException, InterruptedException {
        String notRun = p.unavailable != null ? p.unavailable
                : p.variant.isOpenAi() && accuracy != null ? "not measured: the openai backend returns no logits" : null;
        if (notRun != null) {
            for (RunRequest r : runs) sink.write(RawRun.of(kind, p.model, p.variant, r, RunOutcome.failed(RunOutcome.Status.FAILED, notRun)), r);
            return;
        }
        var job = new WorkerJob(p.variant.backend(), p.file.toAbsolutePath().toString(), p.options, threads(), ctx, batch, spec.seed(), runs, 0,
                accuracy, p.variant.url(), p.variant.name());
        String name = (p.model + "-" + p.variant.label() + "-" + kind).replaceAll("[^A-Za-z0-9._-]", "_");
        child.execute(job, name, new ChildJvm.Listener() {
            @Override public void started(RunRequest run) {
                sink.starting(p.model + " " + p.variant.label() + " " + run.scenario() + (run.warmup() ? " warm-up " : " rep ") + run.repetition());
            }

            @Override public void finished(RunRequest run, RunOutcome outcome) {
                try {
                    sink.write(RawRun.of(kind, p.model, p.variant, run, outcome), run);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    /** Appends runs to raw.jsonl with consecutive ids, and keeps the progress line's count and ETA. */
    private final class RawSink {
        private final BufferedWriter raw;
        private final int total;
        private final double totalWork;
        private final long t0;
        private int done;
        private double workDone;
        private String current = "";

        RawSink(BufferedWriter raw, int total, double totalWork, long t0) {
            this.raw = raw;
            this.total = total;
            this.totalWork = totalWork;
            this.t0 = t0;
        }

        void starting(String what) {
            current = what;
            progress.update(done, total, current, eta());
        }

        void write(RawRun run, RunRequest request) throws IOException {
            RawRun numbered = run.withRunId(++done);
            raw.write(Json.line(numbered));
            raw.newLine();
            raw.flush();
            workDone += run.kind().equals(RawRun.ACCURACY) ? accuracyWork() : work(List.of(request));
            progress.update(done, total, current, eta());
        }

        private double eta() {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            return workDone <= 0 ? Double.NaN : elapsed * (totalWork - workDone) / workDone;
        }
    }

    /** Every scenario's warm-ups then repetitions, numbered in order. */
    private List<RunRequest> speedPlan() {
        List<RunRequest> runs = new ArrayList<>();
        for (Scenario s : spec.allScenarios()) {
            for (int w = 1; w <= spec.warmups(); w++) runs.add(new RunRequest(runs.size(), s.name(), s.batch(), s.promptTokens(), s.decodeSteps(), true, w));
            for (int r = 1; r <= spec.repetitions(); r++) runs.add(new RunRequest(runs.size(), s.name(), s.batch(), s.promptTokens(), s.decodeSteps(), false, r));
        }
        return runs;
    }

    /** Rough cost of runs for the ETA: tokens processed, a decode step counted as 8 prompt tokens. */
    private static double work(List<RunRequest> runs) {
        return runs.stream().mapToDouble(r -> r.batch() * (r.promptTokens() + 8.0 * r.decodeSteps()) + 50).sum();
    }

    private double accuracyWork() {
        return spec.accuracy().ctx() * spec.accuracy().windows() * 1.5;
    }

    private Prepared prepare(String model, Path source, VariantSpec v, boolean mine) throws IOException {
        Prepared p = prepare(model, source, v);
        return new Prepared(p.model, p.variant, p.file, p.options, p.unavailable, mine);
    }

    private Prepared prepare(String model, Path source, VariantSpec v) throws IOException {
        if (v.isOpenAi()) return new Prepared(model, v, source, Map.of(), null, true);
        var backend = InferenceBackend.byId(v.backend());
        if (backend.isEmpty()) return new Prepared(model, v, null, Map.of(), "no backend '" + v.backend() + "' on the class path", true);
        var availability = backend.get().availability();
        if (!availability.available()) return new Prepared(model, v, null, Map.of(), v.backend() + " is not available here: " + availability.reason(), true);
        try {
            if (DefaultVariants.takesPrecision(backend.get())) {
                Path f32 = preparer.convert(source, "f32");
                return new Prepared(model, v, f32, v.type() == null ? Map.of() : Map.of(DefaultVariants.PRECISION_OPTION, v.type()), null, true);
            }
            return new Prepared(model, v, v.type() == null ? source : preparer.convert(source, v.type()), Map.of(), null, true);
        } catch (IllegalArgumentException e) {
            return new Prepared(model, v, null, Map.of(), "cannot prepare " + v.label() + ": " + e.getMessage(), true);
        }
    }

    /** The variants plus the accuracy base, which runs even when the spec lists no such backend. */
    private List<VariantSpec> withBase(List<VariantSpec> variants) {
        if (variants.contains(spec.accuracy().base())) return variants;
        List<VariantSpec> all = new ArrayList<>(variants);
        all.addFirst(spec.accuracy().base());
        return all;
    }

    private static String modelName(String ref, Path file) {
        if (ref.startsWith(ModelPreparer.SYNTH)) return ref.substring(ModelPreparer.SYNTH.length());
        String n = file.getFileName().toString();
        return n.endsWith(".gguf") && !ref.equals(n) && !ref.contains("/") ? ref : n.replaceFirst("\\.gguf$", "");
    }

    private Path textPath() throws IOException {
        if (spec.accuracy().text() != null) return Path.of(spec.accuracy().text());
        Path text = out.resolve(StudyFiles.WORK).resolve("persuasion.txt");
        if (!Files.exists(text)) {
            try (var in = StudyRunner.class.getResourceAsStream("/study/persuasion.txt")) {
                if (in == null) throw new IOException("the embedded accuracy text is missing from the jar");
                Files.copy(in, text);
            }
        }
        return text;
    }

    private int threads() {
        return spec.threads() > 0 ? spec.threads() : Runtime.getRuntime().availableProcessors();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
