package dev.bantam.cli;

import dev.bantam.chat.EmbeddedModels;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.game.GameState;
import dev.bantam.game.Mcts;
import dev.bantam.game.OpenedEvaluator;
import dev.bantam.game.PositionEvaluator;
import dev.bantam.onnx.OnnxBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "game-bench", mixinStandardHelpOptions = true,
        description = {"Speed of a policy/value network behind a game-tree search: evaluations per second and ms per",
                "evaluation for batches of 1, 8 and 32 positions at game records of 20 to 500 tokens, with and without",
                "KV-prefix reuse on Bantam's engine and with ONNX Runtime's full recompute (--onnx), and ms per",
                "50-simulation MCTS move by game stage. Prints markdown tables, then the latency-vs-length chart data as CSV."})
final class GameBenchCommand implements Callable<Integer> {
    private static final String[] CELLS = new String[25];

    static {
        for (int c = 0; c < 25; c++) CELLS[c] = "" + (char) ('a' + c / 5) + (char) ('1' + c % 5);
    }

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL.gguf", defaultValue = EmbeddedModels.GAME_DEFAULT,
            description = "GGUF with policy/value heads for the cpu backend. Default: the embedded ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--onnx", paramLabel = "MODEL.onnx", description = "The same network as an ONNX file: adds onnx-cpu rows (full recompute).")
    String onnx;

    @Option(names = "--record-start", paramLabel = "TEXT", defaultValue = "^", description = "Text before the first move, for the ONNX file. Default: ${DEFAULT-VALUE}.")
    String recordStart;

    @Option(names = "--lengths", paramLabel = "N,...", split = ",", defaultValue = "20,50,100,200,500", description = "History lengths in tokens. Default: ${DEFAULT-VALUE}.")
    int[] lengths;

    @Option(names = "--batches", paramLabel = "N,...", split = ",", defaultValue = "1,8,32", description = "Positions per evaluation call. Default: ${DEFAULT-VALUE}.")
    int[] batches;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", defaultValue = "5", description = "Timed repetitions of every test. Default: ${DEFAULT-VALUE}.")
    int repetitions;

    @Option(names = "--simulations", paramLabel = "N", defaultValue = "50", description = "Simulations per MCTS move. Default: ${DEFAULT-VALUE}.")
    int simulations;

    @Option(names = "--mcts-batch", paramLabel = "N", defaultValue = "8", description = "Leaves per evaluation call in the MCTS move. Default: ${DEFAULT-VALUE}.")
    int mctsBatch;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "1", description = "Threads of each backend's forward pass. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--no-recompute", description = "Skip the cpu full-recompute rows (the slowest part of the run).")
    boolean noRecompute;

    @Option(names = {"-s", "--seed"}, paramLabel = "N", defaultValue = "1234", description = "Seed of the random game records. Default: ${DEFAULT-VALUE}.")
    long seed;

    /** A backend in one mode. */
    private record Subject(String backend, String mode, OpenedEvaluator opened) {}

    /** Median and range of one test's repetitions, in ms per evaluation (or per move). */
    private record Row(String backend, String mode, int batch, String stage, int tokens, double[] ms) {
        double median() {
            double[] s = ms.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
        double min() { return Arrays.stream(ms).min().orElse(0); }
        double max() { return Arrays.stream(ms).max().orElse(0); }
    }

    @Override
    public Integer call() throws Exception {
        if (repetitions < 1) throw new UsageException("--repetitions must be >= 1, got " + repetitions);
        if (simulations < 1) throw new UsageException("--simulations must be >= 1, got " + simulations);
        for (int l : lengths) if (l < 2 || l > 900) throw new UsageException("--lengths: " + l + " is outside 2 … 900 tokens");
        for (int b : batches) if (b < 1) throw new UsageException("--batches: " + b + " must be >= 1");
        List<Subject> subjects = new ArrayList<>();
        try {
            // -m is the GGUF for Bantam's engine, --onnx the same network for ONNX Runtime
            String cpu = CpuBackend.ID, onnxCpu = OnnxBackend.Cpu.ID;
            subjects.add(new Subject(cpu, "prefix reuse", GameEvaluators.open(model, cpu, true, threads, recordStart)));
            if (!noRecompute) subjects.add(new Subject(cpu, "full recompute", GameEvaluators.open(model, cpu, false, threads, recordStart)));
            if (onnx != null) subjects.add(new Subject(onnxCpu, "full recompute", GameEvaluators.open(onnx, onnxCpu, false, threads, recordStart)));
            for (Subject s : subjects) warmUp(s.opened().evaluator());
            List<Row> evals = new ArrayList<>(), moves = new ArrayList<>();
            for (int length : lengths) {
                for (int batch : batches) {
                    for (Subject s : subjects) evals.add(evaluationTest(s, length, batch));
                }
            }
            String[] stages = {"opening", "early", "mid", "late"};
            int[] stageTokens = {20, 100, 250, 500};
            for (int i = 0; i < stages.length; i++) {
                for (Subject s : subjects) moves.add(moveTest(s, stages[i], stageTokens[i]));
            }
            Progress.done();
            print(System.out, evals, moves);
        } finally {
            for (Subject s : subjects) s.opened().close();
        }
        return 0;
    }

    /** Lets the JIT compile both paths before anything is timed: whole records, and leaves a move or two past cached ones. */
    private void warmUp(PositionEvaluator e) {
        Random r = new Random(seed - 1);
        long deadline = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
            List<String> base = randomRecord(r, 5 + i % 60);
            e.evaluate(base);
            for (int round = 0; round < 4; round++) {
                List<List<String>> batch = new ArrayList<>();
                for (int b = 0; b < 1 + (i + round) % 32; b++) {
                    List<String> h = new ArrayList<>(base);
                    h.add(CELLS[r.nextInt(25)]);
                    if (round % 2 == 1) h.add(CELLS[r.nextInt(25)]);
                    batch.add(h);
                }
                e.evaluateBatch(batch);
            }
        }
    }

    private int movesFor(int tokens) {
        return Math.max(1, Math.round((tokens - recordStart.length() + 1) / 3f));
    }

    private static List<String> randomRecord(Random r, int moves) {
        List<String> h = new ArrayList<>(moves);
        for (int i = 0; i < moves; i++) h.add(CELLS[r.nextInt(25)]);
        return h;
    }

    /**
     * ms per evaluation of leaves one move past cached positions, as MCTS produces them: each batch
     * extends random positions of a growing tree under a base record (the base and its 25 children
     * evaluated first, untimed) by a move not yet evaluated. Every subject gets the same leaves.
     */
    private Row evaluationTest(Subject s, int tokens, int batch) {
        int moves = movesFor(tokens);
        int perRep = Math.max(batch, 32) / batch;  // at least 32 evaluations per repetition
        double[] ms = new double[repetitions];
        Random r = new Random(seed + 31L * tokens + batch);
        for (int rep = -1; rep < repetitions; rep++) {  // rep -1: warm-up
            Progress.status("game-bench %s %s: %d tokens, batch %d, %s".formatted(s.backend(), s.mode(), tokens, batch,
                    rep < 0 ? "warm-up" : "repetition " + (rep + 1) + "/" + repetitions));
            List<String> base = randomRecord(r, moves);
            List<List<String>> tree = new ArrayList<>(List.of(base));
            for (String cell : CELLS) {  // the base and its children, as a search's first expansion leaves them (untimed)
                List<String> child = new ArrayList<>(base);
                child.add(cell);
                tree.add(child);
            }
            s.opened().evaluator().evaluateBatch(tree);
            Set<List<String>> seen = new HashSet<>(tree);
            long nanos = 0;
            for (int k = 0; k < perRep; k++) {
                List<List<String>> leaves = new ArrayList<>();
                while (leaves.size() < batch) {
                    List<String> h = new ArrayList<>(tree.get(r.nextInt(tree.size())));
                    h.add(CELLS[r.nextInt(25)]);
                    if (seen.add(h)) leaves.add(h);
                }
                long t0 = System.nanoTime();
                s.opened().evaluator().evaluateBatch(leaves);
                nanos += System.nanoTime() - t0;
                tree.addAll(leaves);
            }
            if (rep >= 0) ms[rep] = nanos / 1e6 / (perRep * batch);
        }
        return new Row(s.backend(), s.mode(), batch, "", tokens, ms);
    }

    /** ms per MCTS move from a position of {@code tokens} tokens whose own evaluation is cached (the previous search reached it). */
    private Row moveTest(Subject s, String stage, int tokens) {
        double[] ms = new double[repetitions];
        Random r = new Random(seed + 7L * tokens);
        Mcts mcts = new Mcts(s.opened().evaluator(), Mcts.Options.defaults().withSimulations(simulations).withBatchSize(mctsBatch));
        for (int rep = -1; rep < repetitions; rep++) {
            Progress.status("game-bench %s %s: %d-simulation move, %s (%d tokens), %s".formatted(s.backend(), s.mode(), simulations, stage, tokens,
                    rep < 0 ? "warm-up" : "repetition " + (rep + 1) + "/" + repetitions));
            OpenRecord position = new OpenRecord(randomRecord(r, movesFor(tokens)));
            s.opened().evaluator().evaluate(position.history());
            long t0 = System.nanoTime();
            mcts.search(position);
            if (rep >= 0) ms[rep] = (System.nanoTime() - t0) / 1e6;
        }
        return new Row(s.backend(), s.mode(), mctsBatch, stage, tokens, ms);
    }

    private void print(PrintStream out, List<Row> evals, List<Row> moves) {
        out.printf("## Evaluations (history of N tokens; each leaf adds one move: 3 tokens, of which prefix reuse runs 2 once a sibling has cached the separator)%n%n");
        out.printf("threads %d, %d repetitions of ≥ 32 evaluations each; ms/eval: median (min – max) over repetitions; evals/s from the median%n%n",
                threads, repetitions);
        out.println("| backend | mode | batch | tokens | evals/s | ms/eval | min – max |");
        out.println("|---|---|---:|---:|---:|---:|---|");
        for (Row r : evals) {
            out.printf("| %s | %s | %d | %d | %,.0f | %.4f | %.4f – %.4f |%n", r.backend(), r.mode(), r.batch(), r.tokens(), 1000 / r.median(), r.median(), r.min(), r.max());
        }
        out.printf("%n## %d-simulation MCTS move by game stage (leaves in batches of %d, one search thread)%n%n", simulations, mctsBatch);
        out.println("| backend | mode | stage | tokens | ms/move | min – max |");
        out.println("|---|---|---|---:|---:|---|");
        for (Row r : moves) {
            out.printf("| %s | %s | %s | %d | %.2f | %.2f – %.2f |%n", r.backend(), r.mode(), r.stage(), r.tokens(), r.median(), r.min(), r.max());
        }
        out.printf("%n## Latency vs length (chart data, CSV)%n%n```csv%n");
        out.println("backend,mode,batch,tokens,ms_per_eval_median,ms_per_eval_min,ms_per_eval_max,evals_per_s,samples_ms");
        for (Row r : evals) {
            StringBuilder samples = new StringBuilder();
            for (double v : r.ms()) samples.append(samples.isEmpty() ? "" : " ").append("%.5f".formatted(v));
            out.printf("%s,%s,%d,%d,%.5f,%.5f,%.5f,%.1f,%s%n", r.backend(), r.mode(), r.batch(), r.tokens(), r.median(), r.min(), r.max(), 1000 / r.median(), samples);
        }
        out.println("```");
    }

    /**
     * A position whose history is a given record and where every cell is always playable: the
     * cost shape of searching late in a long game (records up to 500 tokens), which the 5×5 board
     * itself never reaches.
     */
    private record OpenRecord(List<String> history) implements GameState {
        @Override public int actionCount() { return 25; }
        @Override public int[] legalMoves() {
            int[] all = new int[25];
            for (int i = 0; i < 25; i++) all[i] = i;
            return all;
        }
        @Override public GameState play(int action) {
            List<String> h = new ArrayList<>(history);
            h.add(CELLS[action]);
            return new OpenRecord(h);
        }
        @Override public boolean isOver() { return false; }
        @Override public float outcomeForPlayerToMove() { throw new IllegalStateException("an open record never ends"); }
        @Override public String moveName(int action) { return CELLS[action]; }
    }
}
