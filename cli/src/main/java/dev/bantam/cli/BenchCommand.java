package dev.bantam.cli;

import dev.bantam.chat.EmbeddedModels;
import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.study.bench.BenchModel;
import dev.bantam.study.bench.BenchRunner;
import dev.bantam.study.bench.BenchTest;
import dev.bantam.study.bench.Environment;
import dev.bantam.study.bench.LlamaBenchPeer;
import dev.bantam.study.bench.OutputFormat;
import dev.bantam.study.bench.ResultPrinter;
import dev.bantam.study.bench.RooflineEstimate;
import dev.bantam.study.bench.StreamTriad;
import dev.bantam.study.bench.TestResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prefill and decode speed, measured as llama.cpp's llama-bench measures it: ppN (prefill N tokens), "
                + "tgN (N single-token decode steps), ppP+tgG (-pg P,G), each from an empty cache with random tokens; "
                + "t/s is the mean ± sd over repetitions. Progress goes to stderr.")
final class BenchCommand implements Callable<Integer> {
    /**
     * The default backend, Bantam's own engine. Its result lines name their backend "bantam"
     * ({@link TestResult#BANTAM}), the name the --llama-bench comparison pairs them by.
     */
    private static final String CPU = "cpu";

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", split = ",",
            description = "GGUF file or embedded model (default: " + EmbeddedModels.DEFAULT + "); repeat or comma-separate for several.")
    List<String> models;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", split = ",", defaultValue = "512",
            description = "Prompt sizes for ppN tests (default: ${DEFAULT-VALUE}); 0 disables them.")
    List<Integer> prompts;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", split = ",", defaultValue = "128",
            description = "Decode steps for tgN tests (default: ${DEFAULT-VALUE}); 0 disables them.")
    List<Integer> gens;

    @Option(names = {"-pg"}, paramLabel = "PP,TG", description = "Prompt then generation test ppPP+tgTG; repeat for several.")
    List<String> promptGens;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", defaultValue = "5", description = "Measured repetitions per test (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = {"--warmup"}, paramLabel = "N", defaultValue = "3",
            description = "Untimed runs of each test before the measured ones (default: ${DEFAULT-VALUE}; the JIT needs more than llama-bench's one).")
    int warmups;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", split = ",", description = "Thread counts (default: all cores); repeat or comma-separate for several.")
    List<Integer> threads;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "md", description = "md, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = {"-s", "--seed"}, paramLabel = "SEED", defaultValue = "" + BenchRunner.DEFAULT_SEED, description = "Seed of the random prompt tokens (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", paramLabel = "ID", defaultValue = CPU,
            description = "Inference backend: cpu (default, Bantam's engine) or another one of 'bantam backends', e.g. cuda.")
    String backend;

    @Option(names = {"--roofline"}, description = "Also measure memory bandwidth (STREAM triad) and show each tgN result as a percentage of bandwidth ÷ bytes read per decoded token.")
    boolean roofline;

    @Option(names = {"--llama-bench"}, paramLabel = "PATH",
            description = "Also run llama.cpp's llama-bench on the same files, tests and threads, right after Bantam, and print the ratio.")
    Path llamaBench;

    @Override
    public Integer call() throws Exception {
        OutputFormat format = OutputFormat.byName(output).orElseThrow(() -> new UsageException(
                "-o must be one of md, csv, json, jsonl; got '" + output + "'"));
        List<BenchTest> tests = tests();
        if (reps < 1) throw new UsageException("-r must be >= 1, got " + reps);
        if (warmups < 0) throw new UsageException("--warmup must be >= 0, got " + warmups);
        List<Integer> threadCounts = threads == null || threads.isEmpty() ? List.of(Runtime.getRuntime().availableProcessors()) : threads;
        for (int t : threadCounts) if (t < 1) throw new UsageException("-t must be >= 1, got " + t);
        List<String> modelNames = models == null || models.isEmpty() ? List.of(EmbeddedModels.DEFAULT) : models;
        List<Path> paths = new ArrayList<>();
        for (String m : modelNames) paths.add(ModelOption.resolve(m));

        LlamaBenchPeer peer;
        try {
            peer = llamaBench == null ? null : new LlamaBenchPeer(llamaBench);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--llama-bench " + e.getMessage());
        }
        if (!backend.equals(CPU) && (roofline || llamaBench != null)) {
            throw new UsageException("--roofline and --llama-bench apply to --backend cpu only");
        }
        InferenceBackend b = InferenceBackend.byId(backend).orElseThrow(() -> new UsageException("--backend: unknown backend '" + backend + "'"));
        var availability = b.availability();
        if (!availability.available()) throw new UsageException("--backend " + backend + " is not available here: " + availability.reason());
        String label = backend.equals(CPU) ? TestResult.BANTAM : backend;
        int ctx = tests.stream().mapToInt(BenchTest::contextSize).max().orElseThrow();

        ResultPrinter printer = format.printer(System.out, Environment.detect());
        Map<Integer, StreamTriad.Result> triads = new LinkedHashMap<>();
        printer.header();
        for (Path path : paths) {
            TextModels.requireOutputLayer(path);
            BenchModel model = BenchModel.read(path);
            for (BenchTest test : tests) {
                if (test.contextSize() > model.contextLength()) {
                    throw new UsageException("%s needs %d positions, more than %s's context length %d".formatted(
                            test.name(), test.contextSize(), path.getFileName(), model.contextLength()));
                }
            }
            for (int t : threadCounts) {
                StreamTriad.Result triad = roofline ? triads.computeIfAbsent(t, this::measureBandwidth) : null;
                Progress.status("loading %s on %s (%d threads)".formatted(path.getFileName(), backend, t));
                long open0 = System.nanoTime();
                try (InferenceSession session = b.open(new ModelSource(path), new SessionOptions(t, ctx, 1))) {
                    long open1 = System.nanoTime();
                    session.prefill(new int[][] {{0}});
                    long first = System.nanoTime();
                    session.reset();
                    Progress.done();
                    String loaded = session.loadSummary();
                    System.err.printf("load %s: %.1f ms (open %.1f ms + first token %.1f ms, cold JIT)%s%n", path.getFileName(),
                            (first - open0) / 1e6, (open1 - open0) / 1e6, (first - open1) / 1e6, loaded.isEmpty() ? "" : "; " + loaded);
                    System.err.println(tokenizerSpeed(session));
                    Progress.status("warming up " + path.getFileName());
                    session.warmUp();
                    for (BenchTest test : tests) {
                        String testTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                        long[] samples = BenchRunner.run(session, test, warmups, reps, seed, (bt, warm, k, of) ->
                                Progress.status("bench %s %s t=%d %s: %s %d/%d".formatted(path.getFileName(), backend, t, bt.name(),
                                        warm ? "warm-up" : "repetition", k, of)));
                        Progress.done();
                        TestResult result = new TestResult(label, model.info(), t, test, testTime, samples, null);
                        if (triad != null && test.isGeneration()) {
                            result = new TestResult(label, model.info(), t, test, testTime, samples,
                                    RooflineEstimate.of(triad.bestGBs(), model.bytesPerToken(test), test.averageKvPositions(), result.avgTs()));
                        }
                        printer.result(result);
                        if (peer != null) {
                            Progress.status("llama-bench %s t=%d %s".formatted(path.getFileName(), t, test.name()));
                            printer.result(peer.run(path, model.info(), t, test, reps));
                            Progress.done();
                        }
                    }
                }
            }
        }
        Progress.done();
        printer.footer(List.copyOf(triads.values()));
        return 0;
    }

    /** A short English string, as seed 004's tokenizer target ("< 5 µs encode") measures. */
    static final String TOKENIZER_TEXT = "The quick brown fox jumps over the lazy dog.";

    /** Encode and decode of {@link #TOKENIZER_TEXT}: the median µs of 200 timed calls after 2,000 warm-up calls each. */
    static String tokenizerSpeed(InferenceSession session) {
        var tok = session.tokenizer();
        int[] ids = tok.encode(TOKENIZER_TEXT, false, false);
        for (int i = 0; i < 2000; i++) {
            tok.encode(TOKENIZER_TEXT, false, false);
            tok.decode(ids);
        }
        double[] enc = new double[200], dec = new double[200];
        for (int i = 0; i < enc.length; i++) {
            long t0 = System.nanoTime();
            tok.encode(TOKENIZER_TEXT, false, false);
            long t1 = System.nanoTime();
            tok.decode(ids);
            long t2 = System.nanoTime();
            enc[i] = (t1 - t0) / 1e3;
            dec[i] = (t2 - t1) / 1e3;
        }
        Arrays.sort(enc);
        Arrays.sort(dec);
        return "tokenizer: encode %.2f µs, decode %.2f µs (median of %d; \"%s\", %d chars, %d tokens)".formatted(
                enc[enc.length / 2], dec[dec.length / 2], enc.length, TOKENIZER_TEXT, TOKENIZER_TEXT.length(), ids.length);
    }

    private StreamTriad.Result measureBandwidth(int threads) {
        Progress.status("measuring memory bandwidth (STREAM triad, " + threads + " threads)");
        StreamTriad.Result r = StreamTriad.measure(threads);
        Progress.done();
        return r;
    }

    /** llama-bench's order: every ppN, then every tgN, then every ppP+tgG. */
    List<BenchTest> tests() {
        List<BenchTest> tests = new ArrayList<>();
        for (int p : prompts) {
            if (p < 0) throw new UsageException("-p must be >= 0, got " + p);
            if (p > 0) tests.add(BenchTest.prompt(p));
        }
        for (int n : gens) {
            if (n < 0) throw new UsageException("-n must be >= 0, got " + n);
            if (n > 0) tests.add(BenchTest.generation(n));
        }
        for (String pg : promptGens == null ? List.<String>of() : promptGens) {
            String[] parts = pg.split(",", -1);
            int[] v;
            try {
                v = Arrays.stream(parts).map(String::trim).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                v = new int[0];
            }
            if (v.length != 2 || v[0] < 1 || v[1] < 1) {
                throw new UsageException("-pg expects two positive numbers PP,TG (e.g. -pg 512,128), got '" + pg + "'");
            }
            tests.add(new BenchTest(v[0], v[1]));
        }
        if (tests.isEmpty()) {
            throw new UsageException("nothing to run: -p and -n are 0 and no -pg is given");
        }
        return tests;
    }
}
