package dev.bantam.cli;

import dev.bantam.core.gguf.GgufValue;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Every user mistake gets one line naming the thing, exit 2 (usage) or 1 (file), and no stack trace. */
class BadInputTest {
    private static final String LLAMA_TINY = "tiny/llama-tiny/llama-tiny-f32.gguf";
    @TempDir
    Path tmp;

    private static void assertOneLineError(CliRun run, int exitCode, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        String err = run.errLines().strip();
        assertThat(err).startsWith("bantam: ").contains(fragments).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(err.lines().filter(l -> l.startsWith("bantam: ")).count()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingFile() {
        assertOneLineError(CliRun.of("generate", "-m", tmp.resolve("nope.gguf").toString(), "-p", "x"), 1, "nope.gguf: no such file");
    }

    @Test
    void directoryInsteadOfFile() {
        assertOneLineError(CliRun.of("info", "-m", tmp.toString()), 1, "not a regular file");
    }

    @Test
    void notAGgufFile() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.gguf"), "just some text, not a model");
        assertOneLineError(CliRun.of("generate", "-m", text.toString(), "-p", "x"), 1, "notes.gguf: not a GGUF file");
    }

    @Test
    void truncatedGguf() throws Exception {
        byte[] full = Files.readAllBytes(Fixtures.path(LLAMA_TINY));
        Path cut = Files.write(tmp.resolve("cut.gguf"), Arrays.copyOf(full, full.length / 2));
        assertOneLineError(CliRun.of("generate", "-m", cut.toString(), "-p", "x"), 1, "cut.gguf: ", "past the end of the file");
        Path headerOnly = Files.write(tmp.resolve("head.gguf"), Arrays.copyOf(full, 300));
        assertOneLineError(CliRun.of("info", "-m", headerOnly.toString()), 1, "head.gguf: tensor_count at offset 0x8", "cannot fit");
    }

    @Test
    void malformedTokenizerJson() throws Exception {
        Path broken = Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\",\n  \"vocab\": {\"a\": 0,}}}");
        assertOneLineError(CliRun.of("tokenize", "--tokenizer", broken.toString(), "x"), 1,
                "tokenizer.json: invalid JSON at offset 45 (line 2, column 20): expected a string key, found '}'");
        Path wrong = Files.writeString(tmp.resolve("ids.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"zero\"}}}");
        assertOneLineError(CliRun.of("tokenize", "--tokenizer", wrong.toString(), "x"), 1,
                "ids.json: model.vocab[\"a\"]: expected a token id (an integer in 0 … 16777215), found a string");
    }

    @Test
    void unsupportedArchitecture() throws Exception {
        Path file = GgufRewrite.copy(Fixtures.path(LLAMA_TINY), tmp.resolve("mamba.gguf"), GgufRewrite.put("general.architecture", GgufValue.of("mamba")), null);
        assertOneLineError(CliRun.of("generate", "-m", file.toString(), "-p", "x"), 1, "unsupported architecture 'mamba'", "llama");
    }

    @Test
    void unsupportedWeightType() throws Exception {
        Path file = GgufRewrite.copy(Fixtures.path(LLAMA_TINY), tmp.resolve("i8.gguf"), GgufRewrite.SAME, "blk.0.attn_q.weight");
        assertOneLineError(CliRun.of("generate", "-m", file.toString(), "-p", "x"), 1, "blk.0.attn_q.weight", "I8", "not supported");
    }

    @Test
    void contextTooLargeForTheHeapIsAUsageErrorNotAnOutOfMemoryError() throws Exception {
        Path file = GgufRewrite.copy(Fixtures.path(LLAMA_TINY), tmp.resolve("long.gguf"), GgufRewrite.put("llama.context_length", GgufValue.ofU32(400_000_000)), null);
        assertOneLineError(CliRun.of("generate", "-m", file.toString(), "-p", "x", "-c", "400000000"), 2,
                "a KV cache of 400000000 positions needs", "GiB", "use a smaller context (-c)");
        CliRun defaultContext = CliRun.of("generate", "-m", file.toString(), "-p", "x", "-n", "2");
        assertThat(defaultContext.exitCode()).as(defaultContext.err()).isZero();
    }

    @Test
    void promptLongerThanTheContext() {
        assertOneLineError(CliRun.of("generate", "-p", "It is a truth universally acknowledged", "-c", "4"), 2, "the prompt has 10 tokens but the context holds 4");
    }

    @Test
    void nonPositiveTokenCountAndBadFlags() {
        assertOneLineError(CliRun.of("generate", "-n", "0"), 2, "-n must be >= 1");
        assertOneLineError(CliRun.of("generate", "-n", "-5"), 2, "-n must be >= 1");
        assertOneLineError(CliRun.of("generate", "-t", "0"), 2, "--threads must be >= 1");
        assertOneLineError(CliRun.of("generate", "--top-p", "1.5"), 2, "--top-p");
        assertOneLineError(CliRun.of("perplexity", "-c", "2", "-f", "x"), 2, "-c must be >= 4");
        assertOneLineError(CliRun.of("generate", "-c", "99999"), 2, "exceeds the model's context length");
    }

    @Test
    void unknownFlagsAndMissingArgumentsAreUsageErrors() {
        CliRun unknown = CliRun.of("generate", "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'").contains("bantam generate --help");
        assertThat(CliRun.of("generate", "-n", "many").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("perplexity").err()).contains("Missing required option: '--file=TEXT'");
        assertThat(CliRun.of("nonsense").exitCode()).isEqualTo(2);
    }

    @Test
    void serveLimitsOutOfRangeAreUsageErrors() {
        assertOneLineError(CliRun.of("serve", "--read-timeout", "0"), 2, "--read-timeout must be > 0 seconds");
        assertOneLineError(CliRun.of("serve", "--request-timeout", "-1"), 2, "--request-timeout must be >= 0 seconds");
        assertOneLineError(CliRun.of("serve", "--max-connections", "0"), 2, "--max-connections must be >= 1");
        assertOneLineError(CliRun.of("serve", "--max-tokens-limit", "-2"), 2, "--max-tokens-limit must be >= 0");
        assertOneLineError(CliRun.of("serve", "--max-body-mib", "0"), 2, "--max-body-mib must be >= 1");
        assertOneLineError(CliRun.of("serve", "--queue", "0"), 2, "--queue must be >= 1");
    }

    /** A name no file can have (a NUL on Linux) is a bad flag value, exit 2; a valid name of an absent file is a file error, exit 1. */
    @Test
    void aFileNameTheOsCannotRepresentIsAUsageErrorWithItsControlCharacterEscaped() {
        assertOneLineError(CliRun.of("info", "-m", "bad\u0000name.gguf"), 2, "-m: 'bad\\x00name.gguf' is not a valid file name (Nul character not allowed)");
        assertOneLineError(CliRun.of("export-hf", "bad\u0000name.gguf", tmp.resolve("hf").toString()), 2, "MODEL: 'bad\\x00name.gguf' is not a valid file name");
        assertOneLineError(CliRun.of("convert", "in\u0000dir", "out.gguf"), 2, "HF_DIR", "'in\\x00dir' is not a valid file name (Nul character not allowed)");
        assertOneLineError(CliRun.of("generate", "-m", "two\nlines.gguf", "-p", "x"), 1, "two\\x0Alines.gguf: no such file");
    }

    @Test
    void missingTextFileForPerplexity() {
        assertOneLineError(CliRun.of("perplexity", "-f", tmp.resolve("absent.txt").toString()), 1, "absent.txt: no such file");
    }
}
