package dev.bantam.cli.fuzz;

import dev.bantam.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Issue 17's structure-aware mutation run (a command, not a unit test: scripts/mutation-fuzz.sh).
 * Mutates the fixture GGUFs (tiny, default, game), ONNX files and Hugging Face folders, runs each
 * {@link Target}'s commands in-process on each mutant, and counts a defect for: an exit code
 * outside 0/1/2, a partial output left behind, a
 * stack trace, "internal error" (an unexpected exception), an OutOfMemoryError (run it with
 * -Xmx512m), a run over 5 s, an error message over 3 lines or with raw control bytes.
 *
 * <p>Arguments: {@code seconds seed outDir seed...} (a seed is a .gguf or .onnx file or a folder).
 * Prints, and writes to outDir/summary.txt, the counts per family, the exit codes, the usage-error
 * lines and one line per defect kind (and the same as outDir/counts.tsv, {@link RunCounts}); the
 * first mutants of each defect kind are kept in outDir. {@code merge outDir workerDir...} sums
 * the counts of parallel runs into outDir/summary.txt.
 */
public final class MutationHarness {
    private static final long TIMEOUT_MS = 5_000;
    private static final java.util.concurrent.atomic.AtomicLong SLOW = new java.util.concurrent.atomic.AtomicLong();
    private static final PrintStream REAL_OUT = System.out, REAL_ERR = System.err;

    /**
     * Share of the mutants per family: GGUF (the engine's own format) half, ONNX and safetensors a
     * quarter each, unless {@code -Dbantam.fuzz.share=gguf:8,onnx:1,safetensors:1} says otherwise
     * (issue 17's bar asks far more GGUF mutants than the others).
     */
    private static final Map<String, Integer> SHARE = share(System.getProperty("bantam.fuzz.share", "gguf:2,onnx:1,safetensors:1"));

    private static Map<String, Integer> share(String spec) {
        Map<String, Integer> share = new TreeMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.split(":");
            if (kv.length != 2 || !kv[1].matches("[1-9][0-9]*")) throw new IllegalArgumentException("bantam.fuzz.share: expected family:weight,... but got " + spec);
            share.put(kv[0].trim(), Integer.parseInt(kv[1]));
        }
        return share;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("merge")) {
            // merge OUT_DIR WORKER_DIR...: the parallel workers' counts summed into OUT_DIR/summary.txt
            List<Path> workers = new ArrayList<>();
            for (int i = 2; i < args.length; i++) workers.add(Path.of(args[i]));
            RunCounts.merge(Path.of(args[1]), workers).summary().forEach(REAL_OUT::println);
            return;
        }
        long seconds = Long.parseLong(args[0]);
        long seed = Long.parseLong(args[1]);
        Path outDir = Files.createDirectories(Path.of(args[2]));
        Path work = Files.createDirectories(outDir.resolve("work"));
        Map<String, List<Target>> byFamily = new TreeMap<>();
        for (int i = 3; i < args.length; i++) {
            Target t = target(Path.of(args[i]), work);
            byFamily.computeIfAbsent(t.family(), k -> new ArrayList<>()).add(t);
        }
        List<String> schedule = new ArrayList<>();
        byFamily.keySet().forEach(f -> { for (int i = 0; i < SHARE.getOrDefault(f, 1); i++) schedule.add(f); });
        Random r = new Random(seed);
        ExecutorService pool = Executors.newCachedThreadPool(t -> { Thread th = new Thread(t); th.setDaemon(true); return th; });
        RunCounts counts = new RunCounts();
        Map<String, Long> defects = counts.defects;
        long files = 0, runs = 0;
        long started = System.nanoTime();
        long end = started + seconds * 1_000_000_000L;
        Path inFlight = outDir.resolve("in-flight.txt");
        InputStream oldIn = System.in;
        while (System.nanoTime() < end) {
            List<Target> family = byFamily.get(schedule.get(r.nextInt(schedule.size())));
            Target target = family.get(r.nextInt(family.size()));
            String what = target.mutate(r);
            files++;
            RunCounts.add(counts.files, target.family(), 1);
            int previous = 0;
            for (Target.Step step : target.steps()) {
                if (step.onlyAfterSuccess() && previous != 0) break;
                String[] cmd = step.args();
                // a JVM crash ends the run: this file then names the mutant it was on
                Files.write(inFlight, (target.seed() + ": " + what + " :: " + String.join(" ", cmd) + "\n").getBytes(StandardCharsets.UTF_8));
                runs++;
                int[] code = {-1};
                String defect = run(pool, cmd, counts.exits, code, counts.usage);
                if (defect == null) defect = target.check(step, code[0]);
                previous = code[0];
                if (defect != null) {
                    long n = defects.merge(cmd[0] + ": " + defect, 1L, Long::sum);
                    if (n <= 3) {
                        Path keep = outDir.resolve("defect-" + defects.size() + "-" + n);
                        target.keep(keep);
                        REAL_OUT.println("DEFECT " + keep.getFileName() + " [" + target.seed() + ": " + what + "] " + cmd[0] + ": " + defect);
                    }
                }
            }
            if (files % 1000 == 0) REAL_OUT.printf("... %d files %s, %d runs, %d defects%n", files, counts.files, runs, RunCounts.sum(defects));
        }
        System.setIn(oldIn);
        Files.deleteIfExists(inFlight);
        counts.totals.put("runs", runs);
        counts.totals.put("slow", SLOW.get());
        counts.totals.put("seconds", (System.nanoTime() - started) / 1_000_000_000L);
        counts.totals.put("seeds", (long) (args.length - 3));
        counts.randomSeeds.add(seed);
        counts.write(outDir);
        counts.summary().forEach(REAL_OUT::println);
        System.exit(0);
    }

    /** A seed by its kind: a folder is a Hugging Face checkpoint ({@code sharded:DIR} a sharded copy of it), an .onnx file a graph, else a GGUF file. */
    private static Target target(Path p, Path work) throws IOException {
        if (p.toString().startsWith("sharded:")) {
            Path dir = Path.of(p.toString().substring("sharded:".length()));
            Path own = work.resolve("sharded-" + Integer.toHexString(dir.toString().hashCode()));
            return new HfDirTarget(ShardedSeed.of(dir, own.resolve("seed")), Files.createDirectories(own));
        }
        Path own = Files.createDirectories(work.resolve(Integer.toHexString(p.toString().hashCode())));
        if (Files.isDirectory(p)) return new HfDirTarget(p, own);
        if (p.toString().endsWith(".onnx")) return new OnnxTarget(p, own);
        return new GgufTarget(p, own);
    }

    /** Runs one command on the mutant; returns what is wrong with how it ended, or null. */
    private static String run(ExecutorService pool, String[] cmd, Map<String, Long> exits, int[] exitCode, Map<String, Long> usageMessages) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setIn(InputStream.nullInputStream());
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        Future<Integer> f = pool.submit(() -> Main.run(cmd));
        try {
            code = f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // this machine is shared: a run past 5 s that then ends is slow, not hung; count it apart
            try {
                code = f.get(60, TimeUnit.SECONDS);
                SLOW.incrementAndGet();
            } catch (TimeoutException again) {
                f.cancel(true);
                return "hang over 65 s";
            } catch (java.util.concurrent.ExecutionException x) {
                return "escaped " + x.getCause().getClass().getSimpleName();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            return "escaped " + e.getCause().getClass().getSimpleName();
        } finally {
            System.setOut(REAL_OUT);
            System.setErr(REAL_ERR);
        }
        RunCounts.add(exits, cmd[0] + "=" + code, 1);
        exitCode[0] = code;
        String text = err.toString(StandardCharsets.UTF_8).replaceAll("[^\n]*\r", "");
        // the conventions: 0 done, 1 a file that cannot be used, 2 a usage error (kept apart for review)
        if (code != 0 && code != 1 && code != 2) return "exit code " + code;
        if (code == 2) RunCounts.add(usageMessages, cmd[0] + ": " + text.lines().findFirst().orElse("").replaceAll("/\\S+", "PATH").replaceAll("\\d+", "N"), 1);
        if (text.contains("\tat ") || text.contains("Exception in thread")) return "stack trace";
        if (text.contains("out of memory") || text.contains("OutOfMemoryError")) return "out of memory";
        if (text.contains("internal error")) return "internal error: " + signature(text);
        if (code != 0) {
            List<String> lines = text.lines().filter(l -> !l.isBlank() && !l.startsWith("loading ") && !l.startsWith("WARNING")).toList();
            if (lines.size() > 3) return "message of " + lines.size() + " lines";
            for (String l : lines) for (char c : l.toCharArray()) if (c < 0x20 && c != '\t') return "raw control byte 0x" + Integer.toHexString(c);
        }
        return null;
    }

    /** The exception class of an internal-error line: one defect kind per bug, not per mutant. */
    private static String signature(String text) {
        int i = text.indexOf("internal error: ");
        String rest = text.substring(i + 16);
        int colon = rest.indexOf(':');
        return colon < 0 ? rest.lines().findFirst().orElse("") : rest.substring(0, colon) + rest.substring(colon, Math.min(rest.length(), colon + 60)).lines().findFirst().orElse("");
    }
}
