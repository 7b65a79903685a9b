package dev.bantam.cli;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bantam study} and {@code bantam report} end to end, on the tiny llama model with the CPU and ONNX Runtime backends. */
class StudyCommandTest {
    @TempDir
    Path tmp;

    @Test
    void studyThenReportThenVerify() throws Exception {
        Path spec = Files.writeString(tmp.resolve("study.json"), """
                {"models": ["%s"],
                 "backends": [{"backend": "cpu", "type": "f32"}, {"backend": "cpu", "type": "q8_0"}, {"backend": "onnx-cpu", "type": "fp32"}],
                 "scenarios": [{"name": "tiny", "batch": 2, "prompt_tokens": 8, "decode_steps": 4}],
                 "sweep_lengths": [16], "warmups": 1, "repetitions": 2,
                 "accuracy": {"text": "%s", "ctx": 64, "windows": 1}}
                """.formatted(Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf"), Fixtures.path("corpus/persuasion.txt")));
        Path out = tmp.resolve("study");
        CliRun run = CliRun.of("study", "--spec", spec.toString(), "--out", out.toString(), "-t", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // the closing table: one line per variant with its gate
        assertThat(run.out()).contains("cpu/f32").contains("base").contains("cpu/q8_0").contains("onnx-cpu/fp32")
                .contains("study: 21 runs (21 OK, 0 FAILED, 0 TIMEOUT)");
        assertThat(out.resolve("report.html")).exists();

        assertThat(CliRun.of("report", "--verify", out.toString()).exitCode()).isZero();
        Path md = out.resolve("report.md");
        String original = Files.readString(md);
        Files.writeString(md, original.replaceFirst("\\| 2 / 0 \\|", "| 3 / 0 |"));
        CliRun tampered = CliRun.of("report", "--verify", out.toString());
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.err()).contains("report.md: line").contains("recomputed from raw.jsonl");

        assertThat(CliRun.of("report", out.toString()).exitCode()).isZero();
        assertThat(Files.readString(md)).isEqualTo(original);
        assertThat(CliRun.of("report", "--verify", out.toString()).exitCode()).isZero();
    }

    @Test
    void badSpecIsAUsageError() throws Exception {
        Path spec = Files.writeString(tmp.resolve("bad.json"), "{\"repetitons\": 5}");
        CliRun run = CliRun.of("study", "--spec", spec.toString(), "--out", tmp.resolve("x").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().strip()).startsWith("bantam: ").contains("unknown field 'repetitons'").doesNotContain("\n");

        Files.writeString(spec, "{\"repetitions\": 1}");
        CliRun one = CliRun.of("study", "--spec", spec.toString(), "--out", tmp.resolve("x").toString());
        assertThat(one.exitCode()).isEqualTo(2);
        assertThat(one.errLines()).contains("repetitions must be >= 2");

        Files.writeString(spec, "[1, 2");
        assertThat(CliRun.of("study", "--spec", spec.toString()).errLines()).contains("not valid JSON");
    }

    @Test
    void anExistingOutputDirectoryIsNeverOverwritten() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("results"));
        Files.writeString(out.resolve("raw.jsonl"), "precious\n");
        CliRun run = CliRun.of("study", "--quick", "--out", out.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).contains("already exists and is not empty");
        assertThat(Files.readString(out.resolve("raw.jsonl"))).isEqualTo("precious\n");
    }

    @Test
    void reportOfADirectoryThatIsNoStudyFails() {
        CliRun run = CliRun.of("report", "--verify", tmp.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).contains("raw.jsonl").contains("not a study directory");
    }
}
