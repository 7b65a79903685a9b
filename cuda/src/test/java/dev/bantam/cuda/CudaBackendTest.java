package dev.bantam.cuda;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CI: the backend is found through the SPI and, without a GPU, says why it cannot run instead of failing. */
class CudaBackendTest {
    @Test
    void isRegisteredAsAServiceWithIdCuda() {
        assertThat(InferenceBackend.byId("cuda")).get().isInstanceOf(CudaBackend.class);
    }

    @Test
    void availabilityIsAnsweredWithAOneLineReasonWhenNo() {
        InferenceBackend.Availability a = new CudaBackend().availability();
        System.out.println("cuda here: " + a.reason());
        if (!a.available()) {
            assertThat(a.reason()).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
        }
    }

    @Test
    void openingWithoutAGpuSaysWhy() {
        InferenceBackend.Availability a = new CudaBackend().availability();
        Path model = Fixtures.tinyGguf("llama-tiny", "f32");
        if (a.available()) return;
        assertThatThrownBy(() -> new CudaBackend().open(new ModelSource(model), SessionOptions.of(1, 16)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cuda backend unavailable: " + a.reason());
    }

    @Test
    void refusesFilesThatAreNotGguf() {
        assertThatThrownBy(() -> new CudaBackend().open(new ModelSource(Path.of("model.onnx")), SessionOptions.of(1, 16)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model.onnx: the cuda backend runs GGUF files");
    }
}
