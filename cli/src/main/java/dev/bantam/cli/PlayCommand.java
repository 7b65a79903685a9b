package dev.bantam.cli;

import dev.bantam.chat.EmbeddedModels;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.game.FourInARow;
import dev.bantam.game.Mcts;
import dev.bantam.game.OpenedEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "play", mixinStandardHelpOptions = true,
        description = {"Play 5×5 four-in-a-row against a policy/value network with MCTS, or watch it play itself.",
                "Cells are a1 … e5 (column letter, row digit); X moves first; four in a row wins; a full board is a draw."})
final class PlayCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", defaultValue = EmbeddedModels.GAME_DEFAULT,
            description = "GGUF with policy/value heads (bantam convert-game), a policy/value .onnx file with --backend onnx-cpu, or the embedded ${DEFAULT-VALUE} (default).")
    String model;

    @Option(names = "--simulations", paramLabel = "N", defaultValue = "50", description = "MCTS simulations per move. Default: ${DEFAULT-VALUE}.")
    int simulations;

    @Option(names = "--human", paramLabel = "first|second|none", defaultValue = "first",
            description = "Your side: first (X), second (O), or none (the network plays both and prints the record). Default: ${DEFAULT-VALUE}.")
    String human;

    @Option(names = "--backend", paramLabel = "ID", defaultValue = CpuBackend.ID, completionCandidates = GameEvaluators.BackendIds.class,
            description = "Game backend: ${COMPLETION-CANDIDATES} (with KV-prefix reuse where the backend has it). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--record-start", paramLabel = "TEXT", defaultValue = "^", description = "Text before the first move, for .onnx models. Default: ${DEFAULT-VALUE}.")
    String recordStart;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0", description = "Move choice ∝ visits^(1/T); 0 plays the most visited. Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--noise", paramLabel = "EPS", defaultValue = "0", description = "Share of Dirichlet(0.3) noise in the root priors. Default: ${DEFAULT-VALUE}.")
    float noise;

    @Option(names = {"-s", "--seed"}, paramLabel = "N", defaultValue = "1", description = "Seed for noise and move choice. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "Leaves evaluated per network call (virtual loss spreads them). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--search-threads", paramLabel = "N", defaultValue = "1", description = "Threads descending the tree (1: deterministic for a seed). Default: ${DEFAULT-VALUE}.")
    int searchThreads;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "1", description = "Threads of the forward pass. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (simulations < 1) throw new UsageException("--simulations must be >= 1, got " + simulations);
        if (threads < 1) throw new UsageException("--threads must be >= 1, got " + threads);
        if (batch < 1) throw new UsageException("--batch must be >= 1, got " + batch);
        if (searchThreads < 1) throw new UsageException("--search-threads must be >= 1, got " + searchThreads);
        int humanPlayer = switch (human) {
            case "first" -> 1;
            case "second" -> 2;
            case "none" -> 0;
            default -> throw new UsageException("--human must be first, second or none, got '" + human + "'");
        };
        PrintStream out = System.out;
        try (OpenedEvaluator opened = GameEvaluators.openForSearch(model, backend, threads, recordStart)) {
            Mcts mcts = new Mcts(opened.evaluator(), Mcts.Options.defaults().withSimulations(simulations)
                    .withTemperature(temperature).withNoise(0.3f, noise).withSeed(seed).withBatchSize(batch).withThreads(searchThreads));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            FourInARow game = FourInARow.start();
            if (humanPlayer != 0) out.printf("You are %s. Enter a cell (a1 … e5), or 'quit'.%n", humanPlayer == 1 ? "X" : "O");
            while (!game.isOver()) {
                if (game.playerToMove() == humanPlayer) {
                    out.print(game.render());
                    out.printf("%s to move> ", humanPlayer == 1 ? "X" : "O");
                    out.flush();
                    String line = in.readLine();
                    if (line == null || line.strip().equalsIgnoreCase("quit")) {
                        out.println();
                        out.println("game abandoned; record: " + game.record());
                        return 0;
                    }
                    try {
                        game = game.play(FourInARow.parseCell(line));
                    } catch (IllegalArgumentException e) {
                        out.println("illegal move: " + e.getMessage());
                    }
                } else {
                    long t0 = System.nanoTime();
                    Mcts.Result r = mcts.search(game);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    String who = game.playerToMove() == 1 ? "X" : "O";
                    game = game.play(r.move());
                    out.printf("%s plays %s  (%d simulations, %.1f ms, value %+.2f)%n", who, FourInARow.cellName(r.move()), simulations, ms, r.rootValue());
                }
            }
            out.print(game.render());
            out.println(game.winner() == 0 ? "draw" : (game.winner() == 1 ? "X" : "O") + " wins");
            out.println("record: " + game.record());
        }
        return 0;
    }
}
