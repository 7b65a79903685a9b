package dev.bantam.cli;

import dev.bantam.chat.EmbeddedModels;
import dev.bantam.study.ModelPreparer;
import dev.bantam.study.Shard;
import dev.bantam.study.StudyFiles;
import dev.bantam.study.StudyRunner;
import dev.bantam.study.StudySpec;
import dev.bantam.study.StudySummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "study", mixinStandardHelpOptions = true,
        description = {"Cross-backend study: every model × backend variant × scenario, each backend in its own JVM,",
                "accuracy (perplexity, KL, gates) before speed, statistics, and a report that 'bantam report --verify' can check."})
final class StudyCommand implements Callable<Integer> {
    @Option(names = "--spec", paramLabel = "FILE", description = "Study spec (JSON); fields it leaves out keep their defaults. See README.")
    Path spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: bantam-out/study-<timestamp>); must not exist or be empty.")
    Path out;

    @Option(names = "--quick", description = "Two scenarios, three sweep points, 1 warm-up, 3 repetitions, 4 perplexity windows.")
    boolean quick;

    @Option(names = "--timeout", paramLabel = "S", description = "Seconds a run may take before its backend process is killed (default 180).")
    Integer timeout;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads per backend (default: all cores).")
    Integer threads;

    @Option(names = "--models", paramLabel = "M,...", split = ",",
            description = "Models instead of the spec's (or the two embedded ones): GGUF paths, embedded names or synth:PRESET, e.g. synth:llama-1b,synth:gpt2-124m.")
    java.util.List<String> models;

    @Option(names = "--shard", paramLabel = "K/N",
            description = {"Run only the K-th of N deterministic slices of the (model × variant) cells, e.g. on the K-th machine of N;",
                    "'bantam report --merge OUT DIR...' joins the shards' directories into one study."})
    String shard;

    @Override
    public Integer call() throws Exception {
        Shard slice;
        try {
            slice = shard == null ? Shard.ALL : Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        StudySpec base = quick ? StudySpec.quick() : StudySpec.defaults();
        StudySpec s;
        try {
            s = spec == null ? base : StudySpec.read(spec, base);
            if (timeout != null || threads != null || models != null) {
                s = new StudySpec(models != null ? models : s.models(), s.backends(), s.scenarios(), s.sweepLengths(), s.sweepDecodeSteps(), s.warmups(), s.repetitions(),
                        timeout != null ? timeout : s.timeoutSeconds(), threads != null ? threads : s.threads(), s.seed(), s.accuracy(), s.llamaCppDir());
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path dir = out != null ? out : Path.of("bantam-out", "study-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        if (Files.exists(dir) && (!Files.isDirectory(dir) || hasEntries(dir))) {
            throw new UsageException("--out " + dir + " already exists and is not empty; choose a new directory");
        }
        var preparer = new ModelPreparer(EmbeddedModels.cacheDirectory().resolveSibling("study"), ref -> {
            try {
                return ModelOption.resolve(ref);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        StudySummary summary;
        try {
            summary = new StudyRunner(s, dir, preparer, new VersionProvider().getVersion()[0], StudyCommand::progress, slice).run();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            Progress.done();
        }
        SummaryTable.print(summary, System.out);
        System.out.printf(Locale.ROOT, "%nstudy: %d runs (%d OK, %d FAILED, %d TIMEOUT) in %.1f s%n", summary.counts().runs(), summary.counts().ok(),
                summary.counts().failed(), summary.counts().timeout(), (System.nanoTime() - t0) / 1e9);
        System.out.println("report: " + dir.resolve(StudyFiles.REPORT_MD) + "  " + dir.resolve(StudyFiles.REPORT_HTML));
        return 0;
    }

    private static void progress(int done, int total, String what, double eta) {
        String etaText = Double.isNaN(eta) ? "" : String.format(Locale.ROOT, ", ETA %d:%02d", (long) eta / 60, (long) eta % 60);
        Progress.status(String.format(Locale.ROOT, "study [%d/%d%s] %s", done, total, etaText, what));
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }
}
