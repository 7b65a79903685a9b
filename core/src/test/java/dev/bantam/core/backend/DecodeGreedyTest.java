package dev.bantam.core.backend;

import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.generate.Sampler;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The SPI's default decodeGreedy: each sequence of a ragged batch gets the argmax of the logits decode gives it. */
class DecodeGreedyTest {
    @Test
    void eachSequenceGetsTheArgmaxOfItsLogits() throws IOException {
        ModelSource model = new ModelSource(Fixtures.tinyGguf("llama-tiny", "f32"));
        int[][] prompts = {{1, 5, 9, 200, 31, 7}, {4, 8}};
        try (InferenceSession logits = new CpuBackend().open(model, new SessionOptions(1, 32, 2));
             InferenceSession greedy = new CpuBackend().open(model, new SessionOptions(1, 32, 2))) {
            int vocab = logits.vocabSize();
            float[] l = logits.prefill(prompts).data();
            greedy.prefill(prompts);
            int[] next = {Sampler.argmax(l, 0, vocab), Sampler.argmax(l, vocab, vocab)};
            for (int step = 0; step < 6; step++) {
                l = logits.decode(next).data();
                int[] picked = greedy.decodeGreedy(next);
                assertThat(picked).as("step %d", step).containsExactly(Sampler.argmax(l, 0, vocab), Sampler.argmax(l, vocab, vocab));
                next = picked;
            }
        }
    }
}
