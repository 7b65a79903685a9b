package dev.bantam.cli.fuzz;

import dev.bantam.cli.Main;

import java.io.ByteArrayOutputStream;
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
 * Mutates the fixture GGUFs (tiny, default, game), runs {@code info} and {@code generate} (text
 * models) or {@code play} (game models) in-process on each mutant, and counts a defect for: a
 * stack trace, "internal error" (an unexpected exception), an OutOfMemoryError (run it with
 * -Xmx512m), a run over 5 s, an error message over 3 lines or with raw control bytes.
 *
 * <p>Arguments: {@code seconds seed outDir seedFile...}. Prints one summary line per defect kind
 * and the totals; the first mutants of each defect kind are kept in outDir.
 */
public final class MutationHarness {
    private static final long TIMEOUT_MS = 5_000;
    private static final java.util.concurrent.atomic.AtomicLong SLOW = new java.util.concurrent.atomic.AtomicLong();
    private static final PrintStream REAL_OUT = System.out, REAL_ERR = System.err;

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        long seed = Long.parseLong(args[1]);
        Path outDir = Files.createDirectories(Path.of(args[2]));
        List<Path> seeds = new ArrayList<>();
        List<Mutator> mutators = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            Path p = Path.of(args[i]);
            seeds.add(p);
            mutators.add(new Mutator(p, Files.readAllBytes(p)));
        }
        Random r = new Random(seed);
        ExecutorService pool = Executors.newCachedThreadPool(t -> { Thread th = new Thread(t); th.setDaemon(true); return th; });
        Map<String, Integer> defects = new TreeMap<>();
        Map<String, Integer> exits = new TreeMap<>();
        long files = 0, runs = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Path mutant = Files.createTempFile("mutant", ".gguf");
        InputStream oldIn = System.in;
        while (System.nanoTime() < end) {
            int s = r.nextInt(seeds.size());
            String what = mutators.get(s).mutate(r, mutant);
            files++;
            boolean game = seeds.get(s).toString().contains("game");
            List<String[]> commands = List.of(
                    new String[] {"info", "-m", mutant.toString()},
                    game ? new String[] {"play", "-m", mutant.toString(), "--human", "none", "--simulations", "2"}
                         : new String[] {"generate", "-m", mutant.toString(), "-p", "It is a truth", "-n", "2", "-t", "1", "--no-warmup", "-s", "1"});
            for (String[] cmd : commands) {
                runs++;
                String defect = run(pool, cmd, exits);
                if (defect != null) {
                    int n = defects.merge(cmd[0] + ": " + defect, 1, Integer::sum);
                    if (n <= 3) {
                        Path keep = outDir.resolve("defect-" + defects.size() + "-" + n + ".gguf");
                        Files.copy(mutant, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        REAL_OUT.println("DEFECT " + keep.getFileName() + " [" + seeds.get(s).getFileName() + ": " + what + "] " + cmd[0] + ": " + defect);
                    }
                }
            }
            if (files % 1000 == 0) REAL_OUT.printf("... %d files, %d runs, %d defects%n", files, runs, defects.values().stream().mapToInt(i -> i).sum());
        }
        System.setIn(oldIn);
        Files.deleteIfExists(mutant);
        REAL_OUT.printf("mutation run: %d files, %d command runs, %d seeds, seed %d, %d s%n", files, runs, seeds.size(), seed, seconds);
        REAL_OUT.println("exit codes: " + exits);
        REAL_OUT.println("runs over 5 s wall clock that then ended (slow on a shared machine, not hung): " + SLOW.get());
        defects.forEach((k, v) -> REAL_OUT.println("defect ×" + v + ": " + k));
        REAL_OUT.println("defects: " + defects.values().stream().mapToInt(i -> i).sum());
        System.exit(0);
    }

    /** Runs one command on the mutant; returns what is wrong with how it ended, or null. */
    private static String run(ExecutorService pool, String[] cmd, Map<String, Integer> exits) throws Exception {
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
        exits.merge(cmd[0] + "=" + code, 1, Integer::sum);
        String text = err.toString(StandardCharsets.UTF_8).replaceAll("[^\n]*\r", "");
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
