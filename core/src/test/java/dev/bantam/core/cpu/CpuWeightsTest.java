package dev.bantam.core.cpu;

import dev.bantam.core.model.ModelFile;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Column-major copies for models at most {@link CpuWeights#TINY_DIM} wide, and only for them. */
class CpuWeightsTest {
    @Test
    void tinyModelsGetColumnMajorCopies() throws Exception {
        try (ModelFile file = ModelFile.open(Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf"))) {
            assertThat(file.config().dim()).isLessThanOrEqualTo(CpuWeights.TINY_DIM);
            CpuWeights.Layer l = CpuWeights.of(file.config(), file.weights(), Repack.NONE, null).layers().getFirst();
            for (CpuWeights.Linear lin : new CpuWeights.Linear[] {l.q(), l.k(), l.v(), l.attnOut(), l.gate(), l.up(), l.down()}) {
                assertThat(lin.columnMajor()).isNotNull();
                assertThat(lin.columnMajor().rows()).isEqualTo(lin.weight().rows());
            }
        }
    }

    @Test
    void widerModelsReadTheMappedMatrices() throws Exception {
        try (ModelFile file = ModelFile.open(Fixtures.path("tiny/llama-256/llama-256-f16.gguf"))) {
            assertThat(file.config().dim()).isGreaterThan(CpuWeights.TINY_DIM);
            CpuWeights.Layer l = CpuWeights.of(file.config(), file.weights(), Repack.NONE, null).layers().getFirst();
            assertThat(l.q().columnMajor()).isNull();
            assertThat(l.q().weight()).isSameAs(file.weights().layers().getFirst().q().weight());
        }
    }
}
