package dev.bantam.cli;

import dev.bantam.chat.EmbeddedModels;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.testing.Fixtures;
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
        CliRun run = CliRun.of("quantize", Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf").toString(), out.toString(), type, "--pure");
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(Fixtures.path("tiny/llama-tiny/llama-tiny-" + type + ".gguf"))) {
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

    /** The default mix follows llama.cpp's Q4_K_M recipe; 4-bit weights stay close to the 8-bit perplexity. */
    @Test
    void defaultMixKeepsTheSensitiveTensorsAtHigherPrecision() throws Exception {
        Path out = tmp.resolve("llama-q4_k.gguf");
        CliRun run = CliRun.of("quantize", EmbeddedModels.extract("austen-llama-7m-q8_0.gguf").toString(), out.toString(), "q4_k");
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.tensor("output.weight").type()).isEqualTo(WeightType.Q6_K);
            assertThat(f.tensor("token_embd.weight").type()).isEqualTo(WeightType.Q4_K);
            assertThat(f.tensor("blk.0.attn_norm.weight").type()).isEqualTo(WeightType.F32);
            // 6 layers: the last eighth (layer 5) and every third from the first eighth (2, 5)
            for (int layer = 0; layer < 6; layer++) {
                WeightType expected = layer == 2 || layer == 5 ? WeightType.Q6_K : WeightType.Q4_K;
                assertThat(f.tensor("blk." + layer + ".attn_v.weight").type()).as("layer %d", layer).isEqualTo(expected);
                assertThat(f.tensor("blk." + layer + ".ffn_down.weight").type()).as("layer %d", layer).isEqualTo(expected);
                assertThat(f.tensor("blk." + layer + ".attn_q.weight").type()).isEqualTo(WeightType.Q4_K);
            }
        }
        Path text = Files.writeString(tmp.resolve("text.txt"), Files.readString(Fixtures.path("corpus/persuasion.txt")).substring(0, 60_000));
        double q8 = PerplexityCommandTest.ppl(CliRun.of("perplexity", "-m", "austen-llama-7m", "-f", text.toString(), "-c", "256"));
        double q4 = PerplexityCommandTest.ppl(CliRun.of("perplexity", "-m", out.toString(), "-f", text.toString(), "-c", "256"));
        System.out.printf("perplexity on 60K chars: q8_0 %.3f, bantam q4_k mix %.3f (%+.2f%%)%n", q8, q4, 100 * (q4 / q8 - 1));
        assertThat(q4).isBetween(q8 * 0.98, q8 * 1.06);
    }

    @Test
    void neverOverwritesWithoutForce() throws Exception {
        Path out = Files.writeString(tmp.resolve("precious.gguf"), "keep me");
        String in = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf").toString();
        CliRun refused = CliRun.of("quantize", in, out.toString(), "q8_0");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errLines()).contains("precious.gguf: already exists (use --force to overwrite it)");
        assertThat(Files.readString(out)).isEqualTo("keep me");
        assertThat(CliRun.of("quantize", in, out.toString(), "q8_0", "--force").exitCode()).isZero();
        assertThat(Files.size(out)).isGreaterThan(100_000);
    }

    @Test
    void badTypesAndInputsAreClearErrors() {
        String in = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf").toString();
        CliRun badType = CliRun.of("quantize", in, tmp.resolve("x.gguf").toString(), "q3_xs");
        assertThat(badType.exitCode()).isEqualTo(2);
        assertThat(badType.errLines()).contains("unknown or unsupported weight type 'q3_xs'").contains("q8_0");
        CliRun missing = CliRun.of("quantize", tmp.resolve("absent.gguf").toString(), tmp.resolve("x.gguf").toString(), "q8_0");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.errLines()).contains("absent.gguf: no such file");
        assertThat(Files.exists(tmp.resolve("x.gguf"))).isFalse();
    }
}
