package dev.bantam.cli;

import dev.bantam.core.gguf.GgufFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SynthCommandTest {
    @TempDir
    Path tmp;

    private CliRun synth(String arch, String type, Path out, String threads) {
        return CliRun.of("synth", "--arch", arch, "--dim", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2",
                "--ffn", "128", "--vocab", "600", "--ctx", "128", "--type", type, "-t", threads, out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "gpt2"})
    void smallSynthModelsLoadAndGenerate(String arch) throws Exception {
        Path out = tmp.resolve(arch + ".gguf");
        CliRun run = synth(arch, "q8_0", out, "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getString("general.architecture")).isEqualTo(arch);
            assertThat(f.tensorInfos().size()).isGreaterThan(10);
        }
        CliRun gen = CliRun.of("generate", "-m", out.toString(), "-p", "hello world", "-n", "8", "--temp", "0");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        assertThat(gen.errLines()).contains("generated: 8 tokens");
    }

    @Test
    void sameSeedSameBytesWhateverTheThreadCount() throws Exception {
        Path a = tmp.resolve("a.gguf"), b = tmp.resolve("b.gguf");
        assertThat(synth("llama", "f16", a, "1").exitCode()).isZero();
        assertThat(synth("llama", "f16", b, "2").exitCode()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void presetsAndErrors() {
        CliRun unknown = CliRun.of("synth", "--preset", "llama-70b", tmp.resolve("x.gguf").toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).contains("unknown preset 'llama-70b'").contains("llama-1b");
        CliRun incomplete = CliRun.of("synth", "--arch", "llama", tmp.resolve("x.gguf").toString());
        assertThat(incomplete.exitCode()).isEqualTo(2);
        CliRun badHeads = CliRun.of("synth", "--preset", "gpt2-124m", "--heads", "7", tmp.resolve("x.gguf").toString());
        assertThat(badHeads.exitCode()).isEqualTo(2);
        assertThat(badHeads.errLines()).contains("--heads 7 must divide --dim 768");
        assertThat(Files.exists(tmp.resolve("x.gguf"))).isFalse();
    }
}
