package dev.bantam.onnx;

import dev.bantam.core.model.UnsupportedModelException;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Until the graph builds them, the architectures beyond llama/qwen2/gpt2 (and llama3 rope
 * scaling) are refused in one line, and nothing is written, rather than exported with wrong logits.
 */
class OnnxExportArchGuardTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"llama31-tiny,rope_freqs.weight", "qwen3-tiny,q/k norms", "gemma3-tiny,sliding-window attention", "phi3-tiny,fused gate/up"})
    void refusesWhatItWouldComputeWrongly(String model, String feature) {
        Path out = tmp.resolve(model + ".onnx");
        assertThatThrownBy(() -> OnnxExporter.export(Fixtures.path("arch/" + model + "/" + model + "-f32.gguf"), out,
                OnnxExporter.Options.defaults(), (done, total, name) -> {}))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageStartingWith(model + "-f32.gguf: the ONNX exporter does not support architecture")
                .hasMessageContaining(feature)
                .hasMessageNotContaining("\n");
        assertThat(Files.exists(out)).isFalse();
    }
}
