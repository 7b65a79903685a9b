package dev.bantam.core.kernels;

import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry: which types run, and the one-line error for a type that does not. */
class KernelsTest {
    @Test
    void theTypesWithKernelsAreTheOnesThatRun() {
        assertThat(Arrays.stream(WeightType.values()).filter(Kernels::supports)).containsExactly(
                WeightType.F32, WeightType.F16, WeightType.Q4_0, WeightType.Q4_1, WeightType.Q5_0, WeightType.Q5_1,
                WeightType.Q8_0, WeightType.Q4_K, WeightType.Q5_K, WeightType.Q6_K, WeightType.BF16);
    }

    @Test
    void anUnsupportedTypeFailsWithOneLine() {
        assertThatThrownBy(() -> Kernels.of(WeightType.Q2_K))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("weight type Q2_K is not supported yet");
    }
}
