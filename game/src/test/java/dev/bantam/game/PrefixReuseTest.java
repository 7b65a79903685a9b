package dev.bantam.game;

import dev.bantam.core.cpu.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** KV-prefix reuse and batching give the outputs of a full recompute (to 1e-5) and run only new tokens. */
class PrefixReuseTest {
    private static final String[] CELLS = new String[25];

    static {
        for (int c = 0; c < 25; c++) CELLS[c] = "" + (char) ('a' + c / 5) + (char) ('1' + c % 5);
    }

    /** Histories of a random tree: each extends a random earlier one (or the base line) by one to three moves. */
    private static List<List<String>> tree(Random r, int baseMoves, int count) {
        List<String> base = new ArrayList<>();
        for (int i = 0; i < baseMoves; i++) base.add(CELLS[r.nextInt(25)]);
        List<List<String>> out = new ArrayList<>();
        out.add(base);
        while (out.size() < count) {
            List<String> h = new ArrayList<>(out.get(r.nextInt(out.size())));
            if (r.nextInt(4) == 0 && h.size() > 2) h = new ArrayList<>(h.subList(0, h.size() - 2));
            for (int k = 1 + r.nextInt(3); k > 0; k--) h.add(CELLS[r.nextInt(25)]);
            out.add(h);
        }
        return out;
    }

    private static void assertSame(Evaluation a, Evaluation b, String what) {
        for (int i = 0; i < a.policyLogits().length; i++) {
            assertThat(a.policyLogits()[i]).as("%s policy[%d]", what, i).isCloseTo(b.policyLogits()[i], within(1e-5f));
        }
        assertThat(a.value()).as("%s value", what).isCloseTo(b.value(), within(1e-5f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"game-gpt2", "game-llama", "trained-llama"})
    void reuseAndBatchesEqualFullRecompute(String name) throws Exception {
        try (Model model = GameModel.load(GameFixtures.gguf(name), 1)) {
            List<List<String>> histories = tree(new Random(7), 30, 60);
            EngineEvaluator full = new EngineEvaluator(model, false);
            List<Evaluation> expected = new ArrayList<>();
            for (List<String> h : histories) expected.add(full.evaluate(h));

            EngineEvaluator reuse = new EngineEvaluator(model, true);
            for (int i = 0; i < histories.size(); ) {
                int b = Math.min(histories.size() - i, 1 + i % 7);  // batches of 1 to 7, with a repeat
                List<List<String>> batch = new ArrayList<>(histories.subList(i, i + b));
                if (b > 2) batch.add(batch.get(1));
                List<Evaluation> got = reuse.evaluateBatch(batch);
                for (int j = 0; j < b; j++) assertSame(got.get(j), expected.get(i + j), name + " history " + (i + j));
                if (b > 2) assertSame(got.get(b), expected.get(i + 1), name + " repeated history");
                i += b;
            }
            assertThat(reuse.tokensComputed()).as("tokens run with reuse").isLessThan(full.tokensComputed() / 4);

            // the no-reuse path batched: equal lengths and ragged lengths in one pass
            List<Evaluation> batched = full.evaluateBatch(histories.subList(0, 12));
            for (int j = 0; j < 12; j++) assertSame(batched.get(j), expected.get(j), name + " batched recompute " + j);
        }
    }

    @Test
    void anIncrementalEvaluationRunsOnlyTheNewMove() throws Exception {
        try (Model model = GameModel.load(GameFixtures.gguf("trained-llama"), 1)) {
            EngineEvaluator e = new EngineEvaluator(model, true);
            e.evaluate(List.of("c3", "b2", "d4"));
            long before = e.tokensComputed();
            e.evaluate(List.of("c3", "b2", "d4", "e5"));
            assertThat(e.tokensComputed() - before).as("tokens of ' e5'").isEqualTo(3);
            e.evaluate(List.of("c3", "b2", "d4", "e5"));
            assertThat(e.cacheHits()).isEqualTo(1);
            e.evaluate(List.of("c3", "b2", "d4", "a1"));  // a sibling: the separator after d4 is cached, only 'a1' runs
            assertThat(e.tokensComputed() - before).isEqualTo(5);
            e.evaluate(List.of("c3", "b2"));  // an inner prefix without an output of its own: its move reruns
            assertThat(e.tokensComputed() - before).isEqualTo(7);
        }
    }

    @Test
    void evictionKeepsTheCacheWithinItsBudgetAndResultsUnchanged() throws Exception {
        try (Model model = GameModel.load(GameFixtures.gguf("game-llama"), 1)) {
            long budget = 64 * 1024;
            EngineEvaluator small = new EngineEvaluator(model, true, budget);
            EngineEvaluator full = new EngineEvaluator(model, false);
            for (List<String> h : tree(new Random(3), 20, 80)) {
                assertSame(small.evaluate(h), full.evaluate(h), "history " + h);
                assertThat(small.cachedBytes()).isLessThanOrEqualTo(budget + 30 * 1024);
            }
        }
    }

    @Test
    void anEmptyRecordWithoutAStartTokenIsRejected() throws Exception {
        try (Model model = GameModel.load(GameFixtures.gguf("game-gpt2"), 1)) {
            EngineEvaluator e = new EngineEvaluator(model, true);
            assertThatThrownBy(() -> e.evaluate(List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty game record");
        }
    }
}
