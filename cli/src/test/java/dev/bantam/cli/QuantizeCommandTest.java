package dev.bantam.cli;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class QuantizeCommandTest {
    @TempDir
    Path tmp;

    /** The fixtures' q8_0/f16/bf16 files were made by llama.cpp from the same f32 weights: ours match byte for byte. */
    @ParameterizedTest
    @ValueSource(strings = {"q8_0", "f16", "bf16"})
    void pureConversionMatchesLlamaCppByteForByte(String type) throws Exception {
        Path out = tmp.resolve("out.gguf");
        CliRun run = CliRun.of("quantize", CliRun.fixture("tiny/llama-tiny/llama-tiny-f32.gguf").toString(), out.toString(), type, "--pure");
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(CliRun.fixture("tiny/llama-tiny/llama-tiny-" + type + ".gguf"))) {
            assertThat(ours.tensorInfos()).hasSameSizeAs(theirs.tensorInfos());
            for (GgufTensorInfo t : theirs.tensorInfos()) {
                assertThat(ours.tensor(t.name()).type()).as(t.name()).isEqualTo(t.type());
                assertThat(ours.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE)).as(t.name())
                        .isEqualTo(theirs.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        CliRun generate = CliRun.of("generate", "-m", out.toString(), "-p", "Hello", "-n", "4", "--temp", "0");
        assertThat(generate.exitCode()).as(generate.err()).isZero();
    }

    @Test
    void neverOverwritesWithoutForce() throws Exception {
        Path out = Files.writeString(tmp.resolve("precious.gguf"), "keep me");
        String in = CliRun.fixture("tiny/llama-tiny/llama-tiny-f32.gguf").toString();
        CliRun refused = CliRun.of("quantize", in, out.toString(), "q8_0");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errLines()).contains("precious.gguf: already exists (use --force to overwrite it)");
        assertThat(Files.readString(out)).isEqualTo("keep me");
        assertThat(CliRun.of("quantize", in, out.toString(), "q8_0", "--force").exitCode()).isZero();
        assertThat(Files.size(out)).isGreaterThan(100_000);
    }

    @Test
    void badTypesAndInputsAreClearErrors() {
        String in = CliRun.fixture("tiny/llama-tiny/llama-tiny-f32.gguf").toString();
        CliRun badType = CliRun.of("quantize", in, tmp.resolve("x.gguf").toString(), "q3_xs");
        assertThat(badType.exitCode()).isEqualTo(2);
        assertThat(badType.errLines()).contains("unknown or unsupported weight type 'q3_xs'").contains("q8_0");
        CliRun missing = CliRun.of("quantize", tmp.resolve("absent.gguf").toString(), tmp.resolve("x.gguf").toString(), "q8_0");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.errLines()).contains("absent.gguf: no such file");
        assertThat(Files.exists(tmp.resolve("x.gguf"))).isFalse();
    }
}
