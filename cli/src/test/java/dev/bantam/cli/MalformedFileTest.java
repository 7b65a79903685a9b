package dev.bantam.cli;

import dev.bantam.core.gguf.GgufValue;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The defects of issue 17's fuzzing run: each malformed value gets one line and exit 1, never a stack trace. */
class MalformedFileTest {
    private static final String LLAMA = "tiny/llama-tiny/llama-tiny-f32.gguf";
    private static final String GAME = "game/trained-llama/model.gguf";

    @TempDir
    Path tmp;

    private static void assertFileError(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        String err = run.errLines().strip();
        assertThat(err).startsWith("bantam: ").contains(fragments).doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("internal error");
        assertThat(err.lines().count()).as(err).isEqualTo(1);
    }

    @Test
    void aFloatWhereAnIntegerBelongsNamesTheKeyAndBothTypes() throws Exception {
        Path file = GgufRewrite.copy(Fixtures.path(LLAMA), tmp.resolve("float.gguf"), GgufRewrite.put("llama.block_count", GgufValue.ofF32(2f)), null);
        assertFileError(CliRun.of("generate", "-m", file.toString(), "-p", "x", "-n", "1"), "float.gguf", "llama.block_count", "FLOAT32", "expected an integer");
        // info used to exit 0 with "dimensions: unavailable (null)"
        assertFileError(CliRun.of("info", "-m", file.toString()), "float.gguf", "llama.block_count", "FLOAT32");
    }

    @Test
    void aFloatAlignmentAndAFloatBosIdAreFileErrors() throws Exception {
        Path align = GgufRewrite.copy(Fixtures.path(LLAMA), tmp.resolve("align.gguf"), GgufRewrite.put("general.alignment", GgufValue.ofF32(32f)), null);
        assertFileError(CliRun.of("info", "-m", align.toString()), "align.gguf", "general.alignment", "FLOAT32", "expected an integer");
        Path bos = GgufRewrite.copy(Fixtures.path(LLAMA), tmp.resolve("bos.gguf"), GgufRewrite.put("tokenizer.ggml.bos_token_id", GgufValue.ofF32(1f)), null);
        assertFileError(CliRun.of("generate", "-m", bos.toString(), "-p", "x", "-n", "1"), "bos.gguf", "tokenizer.ggml.bos_token_id", "FLOAT32");
    }

    @Test
    void aMalformedByteTokenNamesTheFileAndTheToken() throws Exception {
        Path file = GgufRewrite.copy(Fixtures.path("tiny/llama-spm-tiny/llama-spm-tiny-f32.gguf"), tmp.resolve("bytes.gguf"), GgufRewrite.replaceToken("<0x41>", "<0xG1>"), null);
        assertFileError(CliRun.of("tokenize", "-m", file.toString(), "x"), "bytes.gguf", "<0xG1>", "two hex digits");
    }

    @Test
    void aHugeGameContextIsCappedNotAllocated() throws Exception {
        for (long context : new long[] {2_000_000, Integer.MAX_VALUE}) {
            Path file = GgufRewrite.copy(Fixtures.path(GAME), tmp.resolve("ctx.gguf"), GgufRewrite.put("llama.context_length", GgufValue.ofU32((int) context)), null);
            CliRun run = CliRun.withInput("", "play", "-m", file.toString(), "--human", "none", "--simulations", "2");
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
    }

    @Test
    void aRopeBaseOfZeroIsAFileErrorNotANaNSearch() throws Exception {
        // found by scripts/mutation-fuzz.sh: NaN priors made the search pick no child (NullPointerException)
        Path file = GgufRewrite.copy(Fixtures.path(GAME), tmp.resolve("rope0.gguf"), GgufRewrite.put("llama.rope.freq_base", GgufValue.ofU32(0)), null);
        assertFileError(CliRun.withInput("", "play", "-m", file.toString(), "--human", "none", "--simulations", "2"), "rope0.gguf", "rope.freq_base");
    }

    @Test
    void anI8HeadIsAFileError() throws Exception {
        Path file = GgufRewrite.copy(Fixtures.path(GAME), tmp.resolve("i8head.gguf"), GgufRewrite.SAME, "head.policy.weight");
        assertFileError(CliRun.withInput("", "play", "-m", file.toString(), "--human", "none", "--simulations", "2"), "i8head.gguf", "head.policy.weight", "I8");
    }

    @Test
    void debugPrintsTheStackAsWell() throws Exception {
        Path file = GgufRewrite.copy(Fixtures.path(LLAMA), tmp.resolve("float.gguf"), GgufRewrite.put("llama.block_count", GgufValue.ofF32(2f)), null);
        CliRun run = CliRun.of("generate", "--debug", "-m", file.toString(), "-p", "x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).startsWith("bantam: ").contains("llama.block_count").contains("\tat ");
    }

    @Test
    void messagesAreOneEscapedLine() {
        assertThat(ErrorHandling.oneLine("a\nb\u0000c\u001b[31m")).isEqualTo("a\\x0Ab\\x00c\\x1B[31m");
        assertThat(ErrorHandling.oneLine("x".repeat(100_000))).hasSizeLessThan(ErrorHandling.MAX_MESSAGE + 20);
        // a right-to-left override (a mutant's file name had one) and a zero-width joiner are shown, not obeyed
        assertThat(ErrorHandling.oneLine("a\u202Eb\u200Dc\u2028d\uFEFF")).isEqualTo("a\\u202Eb\\u200Dc\\u2028d\\uFEFF");
    }
}
