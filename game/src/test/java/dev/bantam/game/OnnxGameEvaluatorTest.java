package dev.bantam.game;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The users' ONNX files, run as they are on ONNX Runtime, against PyTorch's float64 outputs (golden.json), to 1e-4. */
class OnnxGameEvaluatorTest {
    private static Path dir(String model) {
        return Fixtures.root().resolve("game/" + model);
    }

    @ParameterizedTest
    @ValueSource(strings = {"game-gpt2", "game-llama", "trained-gpt2", "trained-llama"})
    void reproducesGoldenPolicyAndValue(String name) throws Exception {
        JsonNode golden = new ObjectMapper().readTree(dir(name).resolve("golden.json").toFile());
        RecordFormat format = name.startsWith("trained") ? RecordFormat.CARET : RecordFormat.PLAIN;
        List<List<String>> histories = new ArrayList<>();
        try (OnnxGameEvaluator e = new OnnxGameEvaluator(dir(name).resolve("model.onnx"), format, 1)) {
            assertThat(e.policySize()).isEqualTo(25);
            for (JsonNode c : golden.get("cases")) {
                String text = c.has("record") ? c.get("record").asText().substring(1) : c.get("text").asText();
                List<String> moves = text.isEmpty() ? List.of() : Arrays.asList(text.split(" "));
                histories.add(moves);
                Evaluation got = e.evaluate(moves);
                for (int i = 0; i < 25; i++) {
                    assertThat((double) got.policyLogits()[i]).as("%s policy[%d] of %s", name, i, text).isCloseTo(c.get("policy_logits").get(i).asDouble(), within(1e-4));
                }
                assertThat((double) got.value()).as("%s value of %s", name, text).isCloseTo(c.get("value").asDouble(), within(1e-4));
            }
            // a batch of mixed lengths (one run per length) gives the same as one by one
            List<List<String>> batch = new ArrayList<>(histories);
            batch.add(histories.getFirst());
            List<Evaluation> all = e.evaluateBatch(batch);
            for (int j = 0; j < batch.size(); j++) {
                Evaluation one = e.evaluate(batch.get(j));
                assertThat(all.get(j).value()).isCloseTo(one.value(), within(1e-5f));
            }
        }
    }
}
