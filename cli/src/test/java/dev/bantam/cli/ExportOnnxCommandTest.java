package dev.bantam.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExportOnnxCommandTest {
    @TempDir
    Path tmp;

    @Test
    void exportsAQuantizedGgufThatOnnxRuntimeRunsAndNeverOverwritesWithoutForce() throws Exception {
        Path out = tmp.resolve("llama.onnx");
        String model = Fixtures.path("tiny/llama-tiny/llama-tiny-q8_0.gguf").toString();
        CliRun run = CliRun.of("export-onnx", model, out.toString(), "--no-kv-cache");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).contains("wrote " + out);
        var env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(out.toString(), new OrtSession.SessionOptions());
             OnnxTensor ids = OnnxTensor.createTensor(env, new long[][] {{1, 2, 3}});
             OnnxTensor mask = OnnxTensor.createTensor(env, new long[][] {{1, 1, 1}});
             OnnxTensor pos = OnnxTensor.createTensor(env, new long[][] {{0, 1, 2}});
             OrtSession.Result r = s.run(Map.of("input_ids", ids, "attention_mask", mask, "position_ids", pos))) {
            assertThat(((OnnxTensor) r.get("logits").orElseThrow()).getInfo().getShape()).containsExactly(1, 3, 512);
        }
        long size = Files.size(out);
        CliRun again = CliRun.of("export-onnx", model, out.toString(), "--precision", "int8");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already exists (use --force");
        assertThat(Files.size(out)).isEqualTo(size);
        CliRun forced = CliRun.of("export-onnx", model, out.toString(), "--precision", "int8", "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
    }

    @Test
    void badPrecisionAndOpsetAreUsageErrors() {
        String model = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf").toString();
        CliRun p = CliRun.of("export-onnx", model, tmp.resolve("a.onnx").toString(), "--precision", "int4");
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.err()).contains("int4");
        CliRun o = CliRun.of("export-onnx", model, tmp.resolve("a.onnx").toString(), "--opset", "13");
        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("opset 13");
        assertThat(tmp.resolve("a.onnx")).doesNotExist();
    }
}
