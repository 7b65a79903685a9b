package dev.bantam.cli.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one mutation run counted, written as {@code counts.tsv} (one {@code kind TAB key TAB
 * count} line each) beside its summary, so that the runs of parallel workers can be summed into
 * one summary ({@code MutationHarness merge}).
 */
final class RunCounts {
    /** Files mutated per family (gguf, onnx, safetensors). */
    final Map<String, Long> files = new TreeMap<>();
    /** Exit codes per command ({@code generate=1}). */
    final Map<String, Long> exits = new TreeMap<>();
    /** Usage-error lines (numbers and paths blanked), kept apart for review. */
    final Map<String, Long> usage = new TreeMap<>();
    /** Defects per {@code command: kind}. */
    final Map<String, Long> defects = new TreeMap<>();
    /** runs: command runs; slow: runs over 5 s that ended; seconds: the run's time; seeds: seed files; workers. */
    final Map<String, Long> totals = new TreeMap<>();
    final List<Long> randomSeeds = new ArrayList<>();

    static void add(Map<String, Long> m, String key, long n) {
        m.merge(key, n, Long::sum);
    }

    long total(String key) { return totals.getOrDefault(key, 0L); }

    static long sum(Map<String, Long> m) { return m.values().stream().mapToLong(Long::longValue).sum(); }

    /** The lines of summary.txt. */
    List<String> summary() {
        List<String> out = new ArrayList<>();
        String workers = total("workers") > 1 ? total("workers") + " workers, " : "";
        out.add("mutation run: %d files %s, %d command runs, %d seeds, %sseed %s, %d s".formatted(sum(files), files, total("runs"),
                total("seeds"), workers, randomSeeds.size() == 1 ? randomSeeds.getFirst() : randomSeeds, total("seconds")));
        out.add("exit codes: " + exits);
        out.add("runs over 5 s wall clock that then ended (slow on a shared machine, not hung): " + total("slow"));
        usage.forEach((k, v) -> out.add("exit 2 ×" + v + ": " + k));
        defects.forEach((k, v) -> out.add("defect ×" + v + ": " + k));
        out.add("defects: " + sum(defects));
        return out;
    }

    void write(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        files.forEach((k, v) -> lines.add("file\t" + k + "\t" + v));
        exits.forEach((k, v) -> lines.add("exit\t" + k + "\t" + v));
        usage.forEach((k, v) -> lines.add("usage\t" + tsv(k) + "\t" + v));
        defects.forEach((k, v) -> lines.add("defect\t" + tsv(k) + "\t" + v));
        totals.forEach((k, v) -> lines.add("total\t" + k + "\t" + v));
        randomSeeds.forEach(s -> lines.add("seed\t-\t" + s));
        Files.write(dir.resolve("counts.tsv"), lines);
        Files.write(dir.resolve("summary.txt"), summary());
    }

    private static String tsv(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }

    /** Adds one worker's counts.tsv to these; the time and the seed files are the longest worker's, not the sum. */
    void read(Path countsFile) throws IOException {
        for (String line : Files.readAllLines(countsFile)) {
            String[] f = line.split("\t", -1);
            if (f.length != 3) continue;
            long n = Long.parseLong(f[2]);
            switch (f[0]) {
                case "file" -> add(files, f[1], n);
                case "exit" -> add(exits, f[1], n);
                case "usage" -> add(usage, f[1], n);
                case "defect" -> add(defects, f[1], n);
                case "total" -> {
                    // every worker runs as long, on the same seed files
                    if (f[1].equals("seconds") || f[1].equals("seeds")) totals.merge(f[1], n, Math::max);
                    else add(totals, f[1], n);
                }
                case "seed" -> randomSeeds.add(n);
                default -> throw new IOException(countsFile + ": unknown line kind '" + f[0] + "'");
            }
        }
    }

    /**
     * Sums the workers' counts into outDir/summary.txt (and counts.tsv). A worker without counts
     * ended early (a JVM crash: its in-flight.txt names the mutant) and counts as a defect.
     */
    static RunCounts merge(Path outDir, List<Path> workerDirs) throws IOException {
        RunCounts all = new RunCounts();
        for (Path w : workerDirs) {
            Path counts = w.resolve("counts.tsv");
            if (Files.isRegularFile(counts)) {
                all.read(counts);
            } else {
                Path inFlight = w.resolve("in-flight.txt");
                String on = Files.isRegularFile(inFlight) ? Files.readString(inFlight).strip() : "unknown";
                add(all.defects, "worker " + w.getFileName() + " ended without counts (JVM crash?) on " + tsv(on), 1);
            }
        }
        all.totals.put("workers", (long) workerDirs.size());
        all.write(outDir);
        return all;
    }
}
