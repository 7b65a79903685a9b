package dev.bantam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.cpu.Model;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * issue 12's first symptom, end to end: {@code bantam generate --temp 0} on the architecture
 * fixtures prints the golden greedy continuation (llama31-tiny used to print the unscaled model's).
 */
class GenerateArchTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"})
    void greedyGenerationPrintsTheGoldenContinuation(String model) throws Exception {
        Path file = Fixtures.path("arch/" + model + "/" + model + "-f32.gguf");
        JsonNode greedy = Fixtures.json("arch/" + model + "/golden.json").get("greedy");
        int[] prompt = Fixtures.ints(greedy.get("prompt_tokens")), continuation = Fixtures.ints(greedy.get("new_tokens"));
        int[] all = new int[prompt.length + continuation.length];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
        String expected;
        try (Model m = Model.load(file, 1)) {
            assertThat(m.tokenizer().encode(greedy.get("prompt_text").asText(), false, false)).as("prompt tokens").containsExactly(prompt);
            expected = m.tokenizer().decode(all);
        }
        CliRun run = CliRun.of("generate", "-m", file.toString(), "-p", greedy.get("prompt_text").asText(),
                "-n", Integer.toString(continuation.length), "--temp", "0", "-t", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo(expected.strip());
    }
}
