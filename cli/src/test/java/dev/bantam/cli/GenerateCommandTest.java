package dev.bantam.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateCommandTest {
    @Test
    void greedyGenerationOnTheEmbeddedDefaultModelIsDeterministicAndTimed() {
        CliRun first = CliRun.of("generate", "-p", "It is a truth universally acknowledged", "-n", "24", "--temp", "0", "-t", "2");
        CliRun second = CliRun.of("generate", "-p", "It is a truth universally acknowledged", "-n", "24", "--temp", "0", "-t", "1");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("It is a truth universally acknowledged");
        assertThat(first.out().length()).isGreaterThan("It is a truth universally acknowledged".length() + 20);
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(first.errLines()).containsPattern("prompt: 10 tokens, [0-9.]+ tok/s \\| generated: 24 tokens, [0-9.]+ tok/s");
    }

    @Test
    void sameSeedSameTextAndTheGpt2DefaultModelRuns() {
        String[] args = {"generate", "-m", "austen-gpt2-7m", "-p", "Elizabeth", "-n", "20", "-s", "7", "--temp", "1.0"};
        CliRun a = CliRun.of(args);
        CliRun b = CliRun.of(args);
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(a.out()).startsWith("Elizabeth").isEqualTo(b.out());
        CliRun other = CliRun.of("generate", "-m", "austen-gpt2-7m", "-p", "Elizabeth", "-n", "20", "-s", "8", "--temp", "1.0");
        assertThat(other.out()).isNotEqualTo(a.out());
    }

    @Test
    void samplingFlagsAreAccepted() {
        CliRun run = CliRun.of("generate", "-p", "Anne", "-n", "8", "--top-k", "5", "--top-p", "0.9", "--min-p", "0.1",
                "--repeat-penalty", "1.3", "-s", "1", "-c", "64");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Anne");
    }

    @Test
    void kvTypeIsAUsageErrorForTheCpuBackend() {
        CliRun run = CliRun.of("generate", "--kv-type", "f16", "-n", "1");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).contains("--kv-type applies to --backend cuda, not to --backend cpu (its KV cache is f32)");
    }
}
