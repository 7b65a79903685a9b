package dev.bantam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.game.EngineEvaluator;
import dev.bantam.game.Evaluation;
import dev.bantam.game.FourInARow;
import dev.bantam.core.cpu.Model;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** convert-game, play and game-bench end to end. */
class GameCommandsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"game-gpt2", "game-llama"})
    void convertGameWritesAGgufThatReproducesTheGoldenOutputs(String name) throws Exception {
        Path out = tmp.resolve(name + ".gguf");
        CliRun run = CliRun.of("convert-game", Fixtures.path("game/" + name).toString(), out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode golden = Fixtures.json("game/" + name + "/golden.json");
        try (Model model = Model.load(out, 1)) {
            EngineEvaluator e = new EngineEvaluator(model, true);
            for (JsonNode c : golden.get("cases")) {
                Evaluation got = e.evaluate(Arrays.asList(c.get("text").asText().split(" ")));
                for (int i = 0; i < 25; i++) assertThat((double) got.policyLogits()[i]).isCloseTo(c.get("policy_logits").get(i).asDouble(), within(1e-4));
                assertThat((double) got.value()).isCloseTo(c.get("value").asDouble(), within(1e-4));
            }
        }
        CliRun again = CliRun.of("convert-game", Fixtures.path("game/" + name).toString(), out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already exists (use --force");
    }

    @Test
    void convertGameNamesAMissingFolder() {
        CliRun run = CliRun.of("convert-game", tmp.resolve("nope").toString(), tmp.resolve("x.gguf").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("nope: expected a folder with config.json and model.safetensors");
    }

    @Test
    void aiVersusAiPrintsALegalGameRecord() {
        CliRun run = CliRun.withInput("", "play", "--human", "none", "--simulations", "16");
        assertThat(run.exitCode()).as(run.err()).isZero();
        String record = run.out().lines().filter(l -> l.startsWith("record: ")).findFirst().orElseThrow().substring(8);
        FourInARow end = FourInARow.fromRecord(record);
        assertThat(end.isOver()).isTrue();
        assertThat(run.out()).containsAnyOf("X wins", "O wins", "draw");
    }

    @Test
    void aHumanMoveIsCheckedAndTheBoardShown() {
        CliRun run = CliRun.withInput("c3\nc3\nz9\nquit\n", "play", "--simulations", "8");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("You are X").contains("   a b c d e")
                .contains("illegal move: c3 is already taken")
                .contains("illegal move: 'z9' is not a cell (expected a1 … e5")
                .contains("O plays ")
                .contains("game abandoned; record: c3 ");
    }

    @Test
    void badOptionsAndModelsWithoutHeadsAreUsageErrors() {
        CliRun side = CliRun.withInput("", "play", "--human", "both");
        assertThat(side.exitCode()).isEqualTo(2);
        assertThat(side.err()).contains("--human must be first, second or none, got 'both'");
        CliRun lm = CliRun.withInput("", "play", "-m", "austen-llama-7m", "--human", "none");
        assertThat(lm.exitCode()).isEqualTo(2);
        assertThat(lm.err()).contains("austen-llama-7m: has no policy/value heads");
    }

    /** The loader ties a missing output layer to the embedding (llama.cpp's rule); a game network must be refused instead. */
    @Test
    void textCommandsRefuseAGameNetwork() {
        String game = Fixtures.path("game/trained-llama/model.gguf").toString();
        for (String[] args : new String[][] {{"generate", "-m", game, "-n", "2"}, {"bench", "-m", game, "-p", "4", "-n", "0", "-r", "1"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.err()).contains("model.gguf: this model has policy/value heads and no output layer");
        }
    }

    @Test
    void gameBackendsAreTheRegisteredOnesAndCheckTheirFiles() {
        CliRun help = CliRun.of("play", "--help");
        assertThat(help.out()).contains("Game backend: cpu, onnx-cpu (with KV-prefix reuse");
        CliRun unknown = CliRun.withInput("", "play", "--backend", "cuda", "--human", "none");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--backend cuda is not a game backend (expected one of [cpu, onnx-cpu])");
        String onnxFile = Fixtures.path("game/trained-llama/model.onnx").toString();
        CliRun onnxOnCpu = CliRun.withInput("", "play", "-m", onnxFile, "--human", "none");
        assertThat(onnxOnCpu.exitCode()).isEqualTo(2);
        assertThat(onnxOnCpu.err()).contains(onnxFile + ": an ONNX file runs on --backend onnx-cpu");
        CliRun onnx = CliRun.withInput("", "play", "-m", onnxFile, "--backend", "onnx-cpu", "--human", "none", "--simulations", "4");
        assertThat(onnx.exitCode()).as(onnx.err()).isZero();
        assertThat(onnx.out()).contains("record: ");
    }

    @Test
    void gameBenchPrintsTablesAndChartDataForBothBackends() {
        CliRun run = CliRun.of("game-bench", "-m", Fixtures.path("game/trained-llama/model.gguf").toString(),
                "--onnx", Fixtures.path("game/trained-llama/model.onnx").toString(),
                "--lengths", "20", "--batches", "1,8", "-r", "1", "--simulations", "8");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("| cpu | prefix reuse | 8 | 20 |").contains("| cpu | full recompute | 1 | 20 |")
                .contains("| onnx-cpu | full recompute | 8 | 20 |").contains("| cpu | prefix reuse | late | 500 |")
                .contains("backend,mode,batch,tokens,ms_per_eval_median");
        List<String> csv = run.out().lines().filter(l -> l.startsWith("cpu,") || l.startsWith("onnx-cpu,")).toList();
        assertThat(csv).hasSize(6);
    }
}
