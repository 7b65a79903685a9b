package dev.bantam.core.model;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one loading step: parts built once, on first use; the absent-output rule is the caller's. */
class ModelFileTest {
    @Test
    void partsAreBuiltOnceAndAgree() throws Exception {
        try (ModelFile file = ModelFile.open(Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf"))) {
            assertThat(file.weights()).isSameAs(file.weights());
            assertThat(file.config()).isSameAs(file.config());
            assertThat(file.tokenizer()).isSameAs(file.tokenizer());
            assertThat(file.config().vocabSize()).isEqualTo(file.tokenizer().vocabSize());
            assertThat(file.name()).isEqualTo("llama-tiny-f32.gguf");
        }
    }

    /** A file without output.weight (this one reads its hidden states through extra tensors of its own). */
    @Test
    void missingOutputIsTiedUnlessTheCallerSaysNone() throws Exception {
        var path = Fixtures.path("game/game-llama/model.gguf");
        try (ModelFile file = ModelFile.open(path)) {
            assertThat(file.gguf().hasTensor("output.weight")).isFalse();
            assertThat(file.weights().output()).isSameAs(file.weights().tokenEmbedding());
        }
        try (ModelFile file = ModelFile.load(path, Weights.AbsentOutput.NONE)) {
            assertThat(file.weights().output()).isNull();
        }
    }
}
