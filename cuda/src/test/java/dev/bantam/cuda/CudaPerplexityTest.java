package dev.bantam.cuda;

import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.eval.Perplexity;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPU: perplexity of the two default models on the evaluation text within 0.5% of the CPU backend's,
 * with the KV cache in f32 and in f16 ({@link SessionOptions#KV_TYPE}; the CPU backend's is f32).
 */
class CudaPerplexityTest {
    private static final int CTX = 256;
    private static final int WINDOWS = 40;

    @ParameterizedTest(name = "{0} kv {1}")
    @CsvSource({"austen-llama-7m,f32", "austen-gpt2-7m,f32", "austen-llama-7m,f16", "austen-gpt2-7m,f16"})
    void perplexityWithinHalfAPercentOfCpu(String model, String kvType) throws Exception {
        Gpus.assumeGpu();
        Path file = Fixtures.defaultModel(model);
        SessionOptions options = new SessionOptions(Runtime.getRuntime().availableProcessors(), CTX, 1);
        double cpu = perplexity(new CpuBackend(), file, options);
        double cuda = perplexity(new CudaBackend(), file, options.withBackendOption(SessionOptions.KV_TYPE, kvType));
        System.out.printf("%s perplexity (%d windows of %d): cpu %.4f, cuda kv %s %.4f (%+.3f%%)%n", model, WINDOWS, CTX, cpu, kvType, cuda, 100 * (cuda / cpu - 1));
        assertThat(Math.abs(cuda / cpu - 1)).isLessThan(0.005);
    }

    static double perplexity(InferenceBackend backend, Path file, SessionOptions options) throws Exception {
        try (InferenceSession s = backend.open(new ModelSource(file), options)) {
            Tokenizer t = s.tokenizer();
            String text = Files.readString(Fixtures.path("corpus/persuasion.txt"));
            int[] tokens = t.encode(text, t.addBosByDefault(), false);
            tokens = Arrays.copyOf(tokens, Math.min(tokens.length, WINDOWS * CTX));
            int bos = t.addBosByDefault() ? t.bosId() : -1;
            return Perplexity.compute(s, tokens, CTX, bos, null).ppl();
        }
    }
}
