package dev.bantam.study.llamacpp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing llama-perplexity's output; the sample is constructed from its source's print formats (see the file's header), not captured. */
class PerplexityOutputTest {
    @Test
    void readsTheFinalEstimateAndTheChunks() throws Exception {
        String out;
        try (var in = PerplexityOutputTest.class.getResourceAsStream("/llamacpp/perplexity-output.txt")) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        var r = PerplexityOutput.parse(out);
        assertThat(r.ppl()).isEqualTo(40.8862);
        assertThat(r.pplError()).isEqualTo(1.23456);
        assertThat(r.chunks()).isEqualTo(16);
        assertThat(r.ctx()).isEqualTo(256);
        assertThat(r.scoredTokens()).isEqualTo(16 * (256 - 1 - 128)); // Bantam's accuracy pass scores the same positions
    }

    @Test
    void noFinalEstimateIsAnErrorNamingTheLastLine() {
        String failed = "perplexity: tokenizing the input ..\nperplexity: you need at least 512 tokens to evaluate perplexity with a context of 256\n";
        assertThatThrownBy(() -> PerplexityOutput.parse(failed)).hasMessageContaining("no final estimate").hasMessageContaining("you need at least 512 tokens");
        assertThatThrownBy(() -> PerplexityOutput.parse("Final estimate: PPL = nan +/- nan\ncalculating perplexity over 1 chunks, n_ctx=64"))
                .hasMessageContaining("nan");
    }
}
