package dev.bantam.cuda;

import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.gguf.GgufDequantizer;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import dev.bantam.testing.Fixtures.GoldenCase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** GPU: the cuda backend's logits against Hugging Face's float64 golden logits and against the CPU backend. */
class CudaGoldenLogitsTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsGpu() {
        Gpus.assumeGpu();
    }

    static InferenceSession open(Path file, int ctx, int batch) throws Exception {
        return new CudaBackend().open(new ModelSource(file), new SessionOptions(1, ctx, batch));
    }

    /** Logits of every position, one decode step at a time (the captured graph after the first step). */
    static float[] stepByStep(InferenceSession s, int[] tokens) {
        int vocab = s.vocabSize();
        float[] all = new float[tokens.length * vocab];
        s.reset();
        System.arraycopy(s.prefill(new int[][] {{tokens[0]}}).data(), 0, all, 0, vocab);
        for (int i = 1; i < tokens.length; i++) System.arraycopy(s.decode(new int[] {tokens[i]}).data(), 0, all, i * vocab, vocab);
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny", "llama-spm-tiny"})
    void f32LogitsWithin1e3InPrefillAndDecode(String model) throws Exception {
        for (GoldenCase c : Fixtures.goldenCases("tiny/" + model)) {
            try (InferenceSession s = open(Fixtures.tinyGguf(model, "f32"), c.tokens().length, 1)) {
                float prefill = Agreement.maxAbsDiff(c.logits(), s.prefillAll(c.tokens()));
                float decode = Agreement.maxAbsDiff(c.logits(), stepByStep(s, c.tokens()));
                System.out.printf("cuda %s f32 %s (%d tokens): max |Δlogit| prefill %.2e, decode %.2e%n", model, c.name(), c.tokens().length, prefill, decode);
                assertThat(prefill).as("%s %s prefill", model, c.name()).isLessThanOrEqualTo(1e-3f);
                assertThat(decode).as("%s %s decode", model, c.name()).isLessThanOrEqualTo(1e-3f);
            }
        }
    }

    /** The CPU issue's rule: a reduced-precision file agrees on top-1 with its own weights dequantized to F32 at ≥ 90% of positions. */
    @ParameterizedTest
    @CsvSource({"llama-tiny,f16", "llama-tiny,bf16", "llama-tiny,q8_0", "gpt2-tiny,f16", "gpt2-tiny,bf16", "gpt2-tiny,q8_0",
            "qwen2-tiny,bf16", "qwen2-tiny,q8_0", "llama-256,f16", "llama-256,bf16", "llama-256,q8_0", "llama-256,q4_0", "llama-256,q4_k"})
    void reducedPrecisionAgreesWithItsOwnWeightsDequantized(String model, String type) throws Exception {
        Path quantized = Fixtures.tinyGguf(model, type);
        Path dequantized = tmp.resolve(model + "-" + type + "-as-f32.gguf");
        try (var f = GgufFile.open(quantized)) {
            GgufDequantizer.toF32(f, dequantized);
        }
        int same = 0, total = 0;
        float max = 0;
        for (GoldenCase c : Fixtures.goldenCases("tiny/" + model)) {
            float[] reference;
            try (InferenceSession cpu = new CpuBackend().open(new ModelSource(dequantized), new SessionOptions(2, c.tokens().length, 1))) {
                reference = cpu.prefillAll(c.tokens());
            }
            try (InferenceSession s = open(quantized, c.tokens().length, 1)) {
                for (float[] actual : new float[][] {s.prefillAll(c.tokens()), stepByStep(s, c.tokens())}) {
                    same += Agreement.sameTop(reference, actual, s.vocabSize());
                    total += c.tokens().length;
                    max = Math.max(max, Agreement.maxAbsDiff(reference, actual));
                }
            }
        }
        System.out.printf("cuda %s %s vs its weights in f32: top-1 %d/%d (%.1f%%), max |Δlogit| %.2e%n", model, type, same, total, 100.0 * same / total, max);
        assertThat((double) same / total).isGreaterThanOrEqualTo(0.90);
    }

    /**
     * Sequences of different lengths in one batch get the logits each gets alone; the device argmax agrees.
     * Their 37 rows take attn_prefill's query tiles, the second of which holds the end of one sequence and
     * the start of the next; alone, the second (15 rows) takes attn_partial's walk per row.
     */
    @Test
    void raggedBatchEqualsSequencesAlone() throws Exception {
        Path file = Fixtures.tinyGguf("llama-tiny", "f32");
        int[] a = {1, 5, 9, 200, 31, 7, 7, 3, 90, 11, 12, 17, 44, 2, 250, 61, 8, 99, 5, 5, 130, 77, 6},
              b = {4, 8, 15, 16, 23, 42, 108, 3, 14, 159, 26, 53, 58, 97};
        try (InferenceSession s = open(file, 32, 2)) {
            int vocab = s.vocabSize();
            s.prefill(new int[][] {a, b});
            float[] step = s.decode(new int[] {42, 43}).data();
            int[] onDevice = ((CudaSession) s).argmaxOfLastLogits();
            for (int seq = 0; seq < 2; seq++) {
                int[] alone = Arrays.copyOf(seq == 0 ? a : b, (seq == 0 ? a : b).length + 1);
                alone[alone.length - 1] = seq == 0 ? 42 : 43;
                s.reset();
                float[] all = s.prefillAll(alone);
                float[] expected = Arrays.copyOfRange(all, (alone.length - 1) * vocab, alone.length * vocab);
                float[] actual = Arrays.copyOfRange(step, seq * vocab, (seq + 1) * vocab);
                assertThat(Agreement.maxAbsDiff(expected, actual)).as("sequence %d", seq).isLessThan(1e-4f);
                assertThat(onDevice[seq]).isEqualTo(Agreement.argmax(actual, 0, vocab));
            }
        }
    }

    /**
     * A full prefill chunk ({@link CudaSession#PREFILL_ROWS} rows) replays a graph captured on first use
     * (CudaSession.runPrefillChunk): a prompt of two full chunks and a short one, and a prompt of exactly
     * one chunk, prefilled twice each (capture, then replay), give the last-row logits of prefillAll,
     * whose chunks (logits of every row) are launched directly.
     */
    @Test
    void graphedPrefillChunksGiveTheDirectLogits() throws Exception {
        Path file = Fixtures.tinyGguf("llama-tiny", "f32");
        int full = CudaSession.PREFILL_ROWS, n = 2 * full + 76;
        int[] tokens = new java.util.Random(5).ints(n, 0, 512).toArray();
        try (InferenceSession s = open(file, n, 1)) {
            int vocab = s.vocabSize();
            float[] all = s.prefillAll(tokens);
            for (int[] prompt : new int[][] {tokens, Arrays.copyOf(tokens, full)}) {
                float[] expected = Arrays.copyOfRange(all, (prompt.length - 1) * vocab, prompt.length * vocab);
                for (int round = 0; round < 2; round++) {
                    s.reset();
                    float[] last = s.prefill(new int[][] {prompt}).data();
                    assertThat(Agreement.maxAbsDiff(expected, last)).as("%d tokens, round %d", prompt.length, round).isLessThan(1e-4f);
                }
            }
        }
    }

    /** The same golden check with the kernels compiled by NVRTC at run time instead of the jar's PTX. */
    @Test
    void nvrtcCompiledKernelsGiveTheSameLogits() throws Exception {
        System.setProperty("bantam.cuda.nvrtc", "true");
        try {
            GoldenCase c = Fixtures.goldenCases("tiny/qwen2-tiny").getFirst();
            try (InferenceSession s = open(Fixtures.tinyGguf("qwen2-tiny", "f32"), c.tokens().length, 1)) {
                assertThat(Agreement.maxAbsDiff(c.logits(), s.prefillAll(c.tokens()))).isLessThanOrEqualTo(1e-3f);
            }
        } finally {
            System.clearProperty("bantam.cuda.nvrtc");
        }
    }
}
