package dev.bantam.cli;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InfoAndTokenizeCommandTest {
    @Test
    void infoDescribesTheModelAndListsEveryTensor() {
        CliRun run = CliRun.of("info", "-m", Fixtures.path("tiny/llama-tiny/llama-tiny-q8_0.gguf").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("architecture:  llama")
                .contains("d_model 64, layers 2, heads 4 (kv 2, head size 16), ffn 160, vocab 512")
                .contains("tokenizer:     gpt2")
                .containsPattern("blk\\.1\\.ffn_down\\.weight\\s+Q8_0\\s+\\[160, 64\\]\\s+10,880")
                .contains("tokenizer.ggml.tokens");
    }

    @Test
    void infoWorksOnTheEmbeddedModel() {
        CliRun run = CliRun.of("info", "-m", "austen-gpt2-7m");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("architecture:  gpt2").contains("position_embd.weight");
    }

    @Test
    void tokenizePrintsIdsAndPieces() {
        CliRun ids = CliRun.of("tokenize", "--ids", "It is a truth universally acknowledged");
        assertThat(ids.exitCode()).as(ids.err()).isZero();
        assertThat(ids.out().trim()).isEqualTo("[1156, 348, 259, 1558, 343, 73, 1140, 744, 3450, 881]");
        CliRun pieces = CliRun.of("tokenize", "-m", "austen-llama-7m", "Hello world");
        assertThat(pieces.out()).isEqualTo("   785 -> 'He'%n   279 -> 'll'%n    79 -> 'o'%n  1083 -> ' world'%n".formatted());
    }

    @Test
    void tokenizerFilesGiveTheSameIdsAsTheGgufVocabulary() {
        String text = "It is a truth universally acknowledged";
        String fromGguf = CliRun.of("tokenize", "--ids", text).out();
        CliRun fromJson = CliRun.of("tokenize", "--ids", "--tokenizer", Fixtures.path("tokenizers/bpe4096-tokenizer.json").toString(), text);
        assertThat(fromJson.exitCode()).as(fromJson.err()).isZero();
        assertThat(fromJson.out()).isEqualTo(fromGguf);
        CliRun gpt2 = CliRun.of("tokenize", "--ids", "--tokenizer", Fixtures.path("tokenizers/encoder.json").toString(), "Hello world");
        assertThat(gpt2.out().trim()).isEqualTo("[15496, 995]");
    }

    @Test
    void helpOnEveryCommand() {
        for (String cmd : new String[] {"generate", "perplexity", "info", "tokenize"}) {
            CliRun run = CliRun.of(cmd, "--help");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("Usage: bantam " + cmd);
        }
    }
}
