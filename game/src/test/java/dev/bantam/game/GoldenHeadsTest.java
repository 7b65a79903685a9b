package dev.bantam.game;

import dev.bantam.core.cpu.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Bantam's engine with the policy/value heads against PyTorch's float64 outputs (golden.json), to 1e-4. */
class GoldenHeadsTest {
    static java.util.List<String> models() { return GameFixtures.MODELS; }

    @ParameterizedTest
    @MethodSource("models")
    void reproducesGoldenPolicyAndValue(String name) throws Exception {
        try (Model model = GameModel.load(GameFixtures.gguf(name), 1)) {
            for (boolean reuse : new boolean[] {false, true}) {
                EngineEvaluator evaluator = new EngineEvaluator(model, reuse);
                for (GameFixtures.Case c : GameFixtures.cases(name)) {
                    assertThat(evaluator.format().tokens(c.moves())).as("tokens of %s", c.moves()).containsExactly(c.tokens());
                    Evaluation e = evaluator.evaluate(c.moves());
                    for (int i = 0; i < c.policy().length; i++) {
                        assertThat((double) e.policyLogits()[i]).as("%s policy[%d] after %d moves", name, i, c.moves().size()).isCloseTo(c.policy()[i], within(1e-4));
                    }
                    assertThat((double) e.value()).as("%s value after %d moves", name, c.moves().size()).isCloseTo(c.value(), within(1e-4));
                }
            }
        }
    }
}
