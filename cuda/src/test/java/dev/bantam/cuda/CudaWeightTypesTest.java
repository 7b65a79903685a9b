package dev.bantam.cuda;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPU: the weight types added for the "_M" mixes (Q4_1, Q5_0, Q5_1, Q5_K, Q6_K), each alone
 * (a pure copy of llama-256, whose 256-wide rows take every type's own matrix-vector kernel) and
 * in the Q4_K_M and Q5_K_M mixes, against the CPU backend by the existing rule (top-1 at ≥ 90% of
 * the golden positions, prefill and step by step): against the file's own weights dequantized to
 * F32, and against the CPU backend running the same quantized file.
 */
class CudaWeightTypesTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsGpu() {
        Gpus.assumeGpu();
    }

    @ParameterizedTest(name = "{0} pure={1}")
    @CsvSource({"Q4_1,true", "Q5_0,true", "Q5_1,true", "Q5_K,true", "Q6_K,true", "Q4_K,false", "Q5_K,false"})
    void agreesWithTheCpuBackend(String type, boolean pure) throws Exception {
        var cases = Fixtures.goldenCases("tiny/llama-256");
        Path file = QuantizedCopies.quantize(Fixtures.tinyGguf("llama-256", "f16"), type, pure, tmp);
        var types = QuantizedCopies.tensorTypes(file);
        assertThat(types).as("tensor types of %s", file.getFileName()).containsKey(type);
        if (!pure) assertThat(types).as("an _M mix").containsKey("Q6_K");
        String what = "llama-256 " + type + (pure ? "" : "_M");
        assertThat(QuantizedCopies.topOneAgainstDequantized("llama-256", type + (pure ? "" : "_M"), file, cases, tmp)).as(what).isGreaterThanOrEqualTo(0.90);
        assertThat(QuantizedCopies.topOneAgainstCpu(what + " vs the cpu backend on the same file", file, file, cases)).as(what).isGreaterThanOrEqualTo(0.90);
    }
}
