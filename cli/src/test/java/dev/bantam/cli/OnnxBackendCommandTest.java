package dev.bantam.cli;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** generate, perplexity and backends with --backend onnx-cpu, end to end. */
class OnnxBackendCommandTest {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void privateCache() {
        System.setProperty("bantam.onnx.cache", tmp.resolve("onnx-cache").toString());
    }

    @AfterAll
    static void restore() {
        System.clearProperty("bantam.onnx.cache");
    }

    @Test
    void backendsListsOnnxCpuAvailable() {
        CliRun run = CliRun.of("backends");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("(?m)^onnx-cpu +available$");
        assertThat(run.out()).containsPattern("(?m)^onnx-cuda +(available|unavailable: ONNX Runtime on the class path has no CUDA execution provider; build with -P onnx-gpu on a machine with CUDA)$");
        assertThat(run.out()).containsPattern("(?m)^onnx-tensorrt +(available|unavailable: .*TensorRT.*)$");
    }

    @Test
    void greedyGenerationOnOnnxCpuMatchesTheCpuBackendFromGgufAndFromAnExportedFile() throws Exception {
        String[] common = {"-p", "It is a truth universally acknowledged", "-n", "24", "--temp", "0", "-t", "2"};
        CliRun cpu = CliRun.of(concat(new String[] {"generate"}, common));
        CliRun onnx = CliRun.of(concat(new String[] {"generate", "--backend", "onnx-cpu"}, common));
        assertThat(onnx.exitCode()).as(onnx.err()).isZero();
        assertThat(onnx.out()).isEqualTo(cpu.out());
        assertThat(onnx.errLines()).contains("onnx-cpu, 2 threads");
        try (var files = Files.list(tmp.resolve("onnx-cache"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("[0-9a-f]{64}-fp32\\.onnx"));
        }

        Path onnxFile = tmp.resolve("llama.onnx");
        CliRun export = CliRun.of("export-onnx", ModelOption.resolve("austen-llama-7m").toString(), onnxFile.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        CliRun fromFile = CliRun.of(concat(new String[] {"generate", "--backend", "onnx-cpu", "-m", onnxFile.toString()}, common));
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).isEqualTo(cpu.out());
    }

    @Test
    void perplexityRunsOnOnnxCpuAtInt8() throws Exception {
        Path text = Files.writeString(tmp.resolve("text.txt"), Files.readString(Fixtures.path("corpus/persuasion.txt")).substring(0, 12_000));
        CliRun run = CliRun.of("perplexity", "--backend", "onnx-cpu", "--precision", "int8", "-m", "austen-gpt2-7m", "-f", text.toString(), "-c", "128", "-t", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        double ppl = PerplexityCommandTest.ppl(run);
        assertThat(ppl).isBetween(10.0, 200.0);
    }

    @Test
    void precisionIsAUsageErrorForOtherBackendsAndForUnknownValues() {
        CliRun cpu = CliRun.of("generate", "--precision", "int8", "-n", "1");
        assertThat(cpu.exitCode()).isEqualTo(2);
        assertThat(cpu.errLines()).contains("--precision applies to the onnx-* backends, not to --backend cpu");
        CliRun bad = CliRun.of("generate", "--backend", "onnx-cpu", "--precision", "int4", "-n", "1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.errLines()).contains("unknown precision 'int4'");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
