package dev.bantam.game;

import dev.bantam.core.cpu.Model;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The search on hand-made positions: with a scripted network (uniform policy, value 0) and with the trained model. */
class MctsTest {
    /** Knows nothing: every cell equally likely, every position even. Counts its calls. */
    static final class UniformEvaluator implements PositionEvaluator {
        int calls, positions;

        @Override public int policySize() { return 25; }

        @Override
        public List<Evaluation> evaluateBatch(List<List<String>> histories) {
            calls++;
            positions += histories.size();
            List<Evaluation> out = new ArrayList<>();
            for (int i = 0; i < histories.size(); i++) out.add(new Evaluation(new float[25], 0f));
            return out;
        }
    }

    // X: a1 a2 a3 (a4 wins); O: b1 b2 c5
    private static final String X_WINS_AT_A4 = "a1 b1 a2 b2 a3 c5";

    @Test
    void findsAWinInOne() {
        FourInARow s = FourInARow.fromRecord(X_WINS_AT_A4);
        for (int batch : new int[] {1, 8}) {
            Mcts.Result r = new Mcts(new UniformEvaluator(), Mcts.Options.defaults().withSimulations(100).withBatchSize(batch)).search(s);
            assertThat(FourInARow.cellName(r.move())).as("batch %d", batch).isEqualTo("a4");
        }
    }

    @Test
    void blocksALossInOne() {
        FourInARow s = FourInARow.fromRecord("a1 b1 a2 b2 a3 e5 d1");
        // X: a1 a2 a3 d1; O: b1 b2 e5; O to move: X wins at a4 unless O blocks it (a2-a5 needs a4 too)
        assertThat(s.playerToMove()).isEqualTo(2);
        for (int batch : new int[] {1, 8}) {
            Mcts.Result r = new Mcts(new UniformEvaluator(), Mcts.Options.defaults().withSimulations(400).withBatchSize(batch)).search(s);
            assertThat(FourInARow.cellName(r.move())).as("batch %d, visits %s", batch, Arrays.toString(r.visits())).isEqualTo("a4");
        }
    }

    @Test
    void isDeterministicForASeedWithOneThread() {
        FourInARow s = FourInARow.fromRecord("c3 b2");
        Mcts.Options o = Mcts.Options.defaults().withSimulations(200).withNoise(0.3f, 0.25f).withTemperature(1f).withSeed(42);
        Mcts.Result a = new Mcts(new UniformEvaluator(), o).search(s), b = new Mcts(new UniformEvaluator(), o).search(s);
        assertThat(a.visits()).containsExactly(b.visits());
        assertThat(a.move()).isEqualTo(b.move());
        Mcts.Result other = new Mcts(new UniformEvaluator(), o.withSeed(43)).search(s);
        assertThat(other.visits()).isNotEqualTo(a.visits());
    }

    @Test
    void batchesLeavesAndSpendsExactlyTheSimulations() {
        UniformEvaluator e = new UniformEvaluator();
        Mcts.Result r = new Mcts(e, Mcts.Options.defaults().withSimulations(64).withBatchSize(8)).search(FourInARow.start());
        assertThat(r.evaluations()).isEqualTo(64);
        assertThat(Arrays.stream(r.visits()).sum()).isEqualTo(63);
        assertThat(e.calls).as("evaluation calls").isLessThanOrEqualTo(1 + 63 / 4);
    }

    @Test
    void severalSearchThreadsShareOneTree() {
        UniformEvaluator e = new UniformEvaluator();
        Mcts.Result r = new Mcts(e, Mcts.Options.defaults().withSimulations(300).withBatchSize(4).withThreads(3)).search(FourInARow.fromRecord(X_WINS_AT_A4));
        assertThat(FourInARow.cellName(r.move())).isEqualTo("a4");
        assertThat(Arrays.stream(r.visits()).sum()).isEqualTo(299);
    }

    @Test
    void theTrainedNetworkWithSearchBlocksALossInOne() throws Exception {
        try (Model model = GameModel.load(GameFixtures.gguf("trained-llama"), 1)) {
            EngineEvaluator e = new EngineEvaluator(model, true);
            Mcts mcts = new Mcts(e, Mcts.Options.defaults().withSimulations(50));
            // X: c2 c3 c4, O to move must take c1 (c5 is O's)
            assertThat(FourInARow.cellName(mcts.search(FourInARow.fromRecord("c2 c5 c3 a1 c4")).move())).isEqualTo("c1");
        }
    }
}
