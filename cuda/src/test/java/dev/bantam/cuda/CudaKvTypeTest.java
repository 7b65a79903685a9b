package dev.bantam.cuda;

import dev.bantam.core.backend.SessionOptions;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The KV cache in f16 ({@link SessionOptions#KV_TYPE}): the option's parsing, and on a GPU the logits of
 * llama-256 (f16 weights) against the CPU backend by the rule the weight types follow (top-1 at ≥ 90% of
 * the golden positions, prefill and step by step; CudaWeightTypesTest). Perplexity: CudaPerplexityTest.
 */
class CudaKvTypeTest {
    @Test
    void theOptionIsF32ByDefaultAndTakesF16() {
        SessionOptions options = new SessionOptions(1, 64, 1);
        assertThat(CudaBackend.kvHalf(options)).isFalse();
        assertThat(CudaBackend.kvHalf(options.withBackendOption(SessionOptions.KV_TYPE, "f32"))).isFalse();
        assertThat(CudaBackend.kvHalf(options.withBackendOption(SessionOptions.KV_TYPE, "f16"))).isTrue();
        assertThatThrownBy(() -> CudaBackend.kvHalf(options.withBackendOption(SessionOptions.KV_TYPE, "q8_0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("kv-type: expected f16 or f32, got 'q8_0'");
        assertThat(new CudaBackend().backendOptions()).contains(SessionOptions.KV_TYPE);
    }

    @Test
    void f16CacheAgreesWithTheCpuBackend() throws Exception {
        Gpus.assumeGpu();
        Path file = Fixtures.tinyGguf("llama-256", "f16");
        assertThat(QuantizedCopies.topOneAgainstCpu("llama-256 f16, kv f16, vs the cpu backend", file, file, Fixtures.goldenCases("tiny/llama-256"), "f16"))
                .isGreaterThanOrEqualTo(0.90);
    }
}
