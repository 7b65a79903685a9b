package dev.bantam.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bantam export-hf} end to end, on an embedded model (Q8_0, dequantized on the way). */
class ExportHfCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesAModelDirectoryAndNeverOverwritesWithoutForce() throws Exception {
        Path dir = tmp.resolve("austen-hf");
        CliRun run = CliRun.of("export-hf", "austen-gpt2-7m", dir.toString(), "--dtype", "bf16");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).contains("wrote " + dir).contains("gpt2").contains("bf16").contains("tokenizer.json");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) assertThat(dir.resolve(f)).isRegularFile();
        assertThat(Files.readString(dir.resolve("config.json"))).contains("\"GPT2LMHeadModel\"").contains("\"torch_dtype\" : \"bfloat16\"");

        CliRun again = CliRun.of("export-hf", "austen-gpt2-7m", dir.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.errLines()).contains("already exists and is not empty (use --force");
        assertThat(CliRun.of("export-hf", "austen-gpt2-7m", dir.toString(), "--force").exitCode()).isZero();

        CliRun bad = CliRun.of("export-hf", "austen-gpt2-7m", tmp.resolve("x").toString(), "--dtype", "q8");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.errLines()).contains("--dtype: unknown dtype 'q8'");
    }

    @Test
    void backendsExplainWhyTorchAndLlamaCppCannotRunHere() {
        CliRun run = CliRun.of("backends");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("(?m)^torch +(available|unavailable: .+)$").containsPattern("(?m)^torch-compiled ")
                .containsPattern("(?m)^llama\\.cpp +(available|unavailable: no llama-server.*)$");
    }

    @Test
    void reportMergeNeedsShards() throws Exception {
        CliRun run = CliRun.of("report", "--merge", tmp.resolve("out").toString(), tmp.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).contains("not a study directory");
        assertThat(CliRun.of("report", tmp.toString(), tmp.toString()).errLines()).contains("several only with --merge");
        assertThat(CliRun.of("study", "--shard", "3/2", "--out", tmp.resolve("s").toString()).errLines()).contains("1 <= K <= N");
    }
}
