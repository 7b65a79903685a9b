package dev.bantam.cli;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PerplexityCommandTest {
    private static final Pattern PPL = Pattern.compile("PPL = ([0-9.]+) \\+/- ([0-9.]+)");

    @TempDir
    Path tmp;

    static double ppl(CliRun run) {
        Matcher m = PPL.matcher(run.out());
        assertThat(m.find()).as(run.out() + run.err()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** llama.cpp's perplexity tool on the same files and text reports 49.92 and 44.92 (fixtures/README.md). */
    @ParameterizedTest
    @CsvSource({"austen-llama-7m,49.92", "austen-gpt2-7m,44.92"})
    void heldOutNovelMatchesLlamaCppWithinOnePercent(String model, double llamaCpp) {
        CliRun run = CliRun.of("perplexity", "-m", model, "-f", Fixtures.path("corpus/persuasion.txt").toString(), "-c", "256", "-t", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        double ppl = ppl(run);
        System.out.printf("%s: PPL %.4f (llama.cpp %.2f, %+.2f%%)%n", model, ppl, llamaCpp, 100 * (ppl / llamaCpp - 1));
        assertThat(ppl).isCloseTo(llamaCpp, within(llamaCpp * 0.01));
    }

    @Test
    void textShorterThanOneWindowIsAUsageError() throws Exception {
        Path text = Files.writeString(tmp.resolve("short.txt"), "Too short.");
        CliRun run = CliRun.of("perplexity", "-f", text.toString(), "-c", "256");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).contains("fewer than one window");
    }
}
