package dev.bantam.game;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The game-backend registry: providers found through the service loader, keyed by backend id, each checking what it is given. */
class PositionEvaluatorsTest {
    private static final Path GGUF = GameFixtures.gguf("trained-llama");
    private static final Path ONNX = Fixtures.path("game/trained-llama/model.onnx");
    private static final EvaluatorOptions FULL_RECOMPUTE = new EvaluatorOptions(false, 1, "^");

    @Test
    void providersAreRegisteredUnderTheirInferenceBackendIds() {
        assertThat(PositionEvaluators.backendIds()).containsExactly("cpu", "onnx-cpu");
        assertThat(PositionEvaluators.forBackend("cpu").supportsPrefixReuse()).isTrue();
        assertThat(PositionEvaluators.forBackend("onnx-cpu").supportsPrefixReuse()).isFalse();
        for (EvaluatorProvider p : PositionEvaluators.all()) assertThat(p.availability().available()).as(p.backendId()).isTrue();
    }

    @Test
    void anUnknownIdNamesTheGameBackends() {
        assertThatThrownBy(() -> PositionEvaluators.forBackend("cuda"))
                .isInstanceOf(GameBackendException.class)
                .hasMessage("--backend cuda is not a game backend (expected one of [cpu, onnx-cpu])");
    }

    @Test
    void aProviderWhoseInferenceBackendIsMissingIsNotAvailable() {
        EvaluatorProvider orphan = new EvaluatorProvider() {
            @Override public String backendId() { return "no-such-backend"; }
            @Override public boolean supportsPrefixReuse() { return false; }
            @Override public OpenedEvaluator open(Path file, String name, EvaluatorOptions options) { throw new AssertionError(); }
        };
        assertThat(orphan.availability().available()).isFalse();
        assertThat(orphan.availability().reason()).isEqualTo("no inference backend 'no-such-backend' on the class path");
    }

    @Test
    void eachProviderRejectsTheOtherOnesFileAndModes() {
        assertThatThrownBy(() -> PositionEvaluators.forBackend("cpu").open(ONNX, "model.onnx", FULL_RECOMPUTE))
                .isInstanceOf(GameBackendException.class)
                .hasMessage("model.onnx: an ONNX file runs on --backend onnx-cpu (or convert the safetensors with bantam convert-game)");
        EvaluatorProvider onnx = PositionEvaluators.forBackend("onnx-cpu");
        assertThatThrownBy(() -> onnx.open(GGUF, "model.gguf", FULL_RECOMPUTE))
                .isInstanceOf(GameBackendException.class)
                .hasMessage("model.gguf: --backend onnx-cpu runs a policy/value network's .onnx file");
        assertThatThrownBy(() -> onnx.open(ONNX, "model.onnx", new EvaluatorOptions(true, 1, "^")))
                .isInstanceOf(GameBackendException.class)
                .hasMessage("--backend onnx-cpu recomputes every record: the ONNX graph has no KV cache");
    }

    @Test
    void bothBackendsOpenTheSameNetworkAndAgree() throws Exception {
        List<String> history = List.of("c3", "b2", "d4");
        try (OpenedEvaluator cpu = PositionEvaluators.forBackend("cpu").open(GGUF, "model.gguf", new EvaluatorOptions(true, 1, "^"));
             OpenedEvaluator onnx = PositionEvaluators.forBackend("onnx-cpu").open(ONNX, "model.onnx", FULL_RECOMPUTE)) {
            assertThat(cpu.description()).isEqualTo("cpu (prefix reuse)");
            assertThat(onnx.description()).isEqualTo("onnx-cpu (full recompute)");
            Evaluation a = cpu.evaluator().evaluate(history), b = onnx.evaluator().evaluate(history);
            // the two fixtures are one network: both reproduce the golden outputs to 1e-4
            assertThat(a.value()).isCloseTo(b.value(), within(2e-4f));
            for (int i = 0; i < 25; i++) assertThat(a.policyLogits()[i]).isCloseTo(b.policyLogits()[i], within(2e-4f));
        }
    }
}
