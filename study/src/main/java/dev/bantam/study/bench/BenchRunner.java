package dev.bantam.study.bench;

import dev.bantam.core.backend.InferenceSession;

/**
 * Runs one test as llama-bench does, through the backend SPI only ({@link InferenceSession}; the
 * cpu backend is one of them): warm-up runs, then {@code reps} timed repetitions, each from an
 * empty cache (the reset is not timed). The prompt is prefilled in one batch; generation is
 * {@code nGen} single-token decode steps. Tokens are drawn before the clock starts, so the time
 * is that of the backend calls only.
 *
 * <p>Unlike llama-bench (whose warm-up is one prompt pass and one decode step), each warm-up here
 * is a whole run of the test: the JIT compiles the kernels for the shapes being timed.
 */
public final class BenchRunner {
    public static final long DEFAULT_SEED = 1234;

    /** Told before each warm-up and each repetition. */
    @FunctionalInterface
    public interface Listener {
        void onRun(BenchTest test, boolean warmup, int index, int count);
    }

    private BenchRunner() {}

    /**
     * Nanoseconds of each measured repetition of {@code test} on a session of any backend, batch 1.
     * A test without a prompt starts its first token with a one-token prefill (an empty sequence
     * has nothing to decode from); on the cpu backend that is the same one-token forward pass as a
     * decode step.
     */
    public static long[] run(InferenceSession session, BenchTest test, int warmups, int reps, long seed, Listener listener) {
        if (reps < 1) throw new IllegalArgumentException("repetitions must be >= 1, got " + reps);
        if (warmups < 0) throw new IllegalArgumentException("warm-up runs must be >= 0, got " + warmups);
        var tokenizer = session.tokenizer();
        int bos = tokenizer.addBosByDefault() && tokenizer.bosId() >= 0 ? tokenizer.bosId() : -1;
        var tokens = new RandomTokens(seed, session.vocabSize(), bos);
        long[] samples = new long[reps];
        for (int r = -warmups; r < reps; r++) {
            listener.onRun(test, r < 0, r < 0 ? r + warmups + 1 : r + 1, r < 0 ? warmups : reps);
            int[] prompt = test.nPrompt() > 0 ? tokens.sequence(test.nPrompt()) : null;
            int[] gen = test.nGen() > 0 ? tokens.sequence(test.nGen()) : new int[0];
            session.reset();
            long t0 = System.nanoTime();
            int first = 0;
            if (prompt != null) {
                session.prefill(new int[][] {prompt});
            } else {
                session.prefill(new int[][] {{gen[0]}});
                first = 1;
            }
            for (int i = first; i < gen.length; i++) session.decode(new int[] {gen[i]});
            long t = System.nanoTime() - t0;
            if (t <= 0) throw new IllegalStateException("non-positive time " + t + " ns for " + test.name());
            if (r >= 0) samples[r] = t;
        }
        return samples;
    }
}
