package dev.bantam.study;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A variant's type becomes a file: pure for a plain GGUF type, llama.cpp's mix for {@code _m}. */
class ModelPreparerTest {
    static final Path F16 = Fixtures.path("tiny/llama-256/llama-256-f16.gguf");

    @TempDir
    Path cache;

    @Test
    void plainTypeIsPureAndMixSuffixGivesTheMix() throws Exception {
        var preparer = new ModelPreparer(cache, Path::of, 1);
        Path pure = preparer.convert(F16, "q4_k");
        Path mix = preparer.convert(F16, "q4_k_m");
        assertThat(mix).isNotEqualTo(pure);
        assertThat(matrixTypes(pure)).containsExactly(WeightType.Q4_K);
        assertThat(matrixTypes(mix)).contains(WeightType.Q4_K, WeightType.Q6_K);
        try (GgufFile m = GgufFile.open(mix)) {
            assertThat(ModelPreparer.dominantType(m)).isEqualTo(WeightType.Q4_K);
        }
        assertThat(preparer.convert(F16, "q4_k_m")).isEqualTo(mix);  // cached
    }

    @Test
    void unknownTypeNamesItAndTheExpectedForms() {
        var preparer = new ModelPreparer(cache, Path::of, 1);
        assertThatThrownBy(() -> preparer.convert(F16, "q3_x_m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'q3_x_m'").hasMessageContaining("q4_k_m");
    }

    private static Set<WeightType> matrixTypes(Path file) throws Exception {
        try (GgufFile f = GgufFile.open(file)) {
            Set<WeightType> types = EnumSet.noneOf(WeightType.class);
            for (var t : f.tensorInfos()) if (t.shape().length > 1) types.add(t.type());
            return types;
        }
    }
}
