package dev.bantam.core.generate;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.tokenizer.Tokenizer;

import java.util.function.IntConsumer;

/**
 * Autoregressive generation: prefill the prompt in one pass, then decode one token per step
 * until an end-of-generation token or the token limit. Each token goes to the listener as soon as
 * it is sampled, so callers can stream it.
 */
public final class Generator {
    private Generator() {}

    /** Generates into an empty session (its cache is reset first). */
    public static GenerationStats generate(InferenceSession session, Tokenizer tokenizer, int[] prompt, int maxTokens,
                                           Sampler sampler, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (maxTokens < 1) throw new IllegalArgumentException("the number of tokens to generate must be >= 1, got " + maxTokens);
        int room = session.contextSize();
        if (prompt.length > room) {
            throw new IllegalArgumentException("the prompt has %d tokens but the context holds %d"
                    .formatted(prompt.length, room));
        }
        for (int t : prompt) sampler.accept(t);

        session.reset();
        long t0 = System.nanoTime();
        float[] logits = session.prefill(new int[][] {prompt}).row(0);
        long promptNanos = System.nanoTime() - t0;

        // greedy: the session picks each next token itself (on a GPU, no logits copied back per step)
        boolean greedy = sampler.isGreedy();
        int generated = 0, steps = 0;
        long decodeNanos = 0;
        int next = sampler.sample(logits);
        while (true) {
            if (tokenizer.isEndOfGeneration(next)) break;
            sampler.accept(next);
            onToken.accept(next);
            generated++;
            if (generated >= maxTokens || prompt.length + generated >= session.contextSize()) break;
            long t1 = System.nanoTime();
            if (greedy) {
                next = session.decodeGreedy(new int[] {next})[0];
                decodeNanos += System.nanoTime() - t1;
            } else {
                logits = session.decode(new int[] {next}).row(0);
                decodeNanos += System.nanoTime() - t1;
                next = sampler.sample(logits);
            }
            steps++;
        }
        return new GenerationStats(prompt.length, promptNanos, generated, steps, decodeNanos);
    }
}
