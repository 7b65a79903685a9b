package dev.bantam.study;

import dev.bantam.study.bench.RandomTokens;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.Logits;
import dev.bantam.core.generate.Sampler;

/**
 * One run of a scenario on a session, timed as benchmark.md defines: the prefill call of the
 * whole batch, the greedy choice of the first tokens (the rest of TTFT), then each decode step.
 * Prompts are random ids drawn before the clock starts; decode feeds back the greedy choice and
 * never stops at end of text.
 */
final class SpeedRun {
    private SpeedRun() {}

    static RunOutcome execute(InferenceSession session, RunRequest run, long seed) {
        var tokenizer = session.tokenizer();
        int bos = tokenizer.addBosByDefault() && tokenizer.bosId() >= 0 ? tokenizer.bosId() : -1;
        var random = new RandomTokens(seed + run.index(), session.vocabSize(), bos);
        int[][] prompts = new int[run.batch()][];
        for (int b = 0; b < run.batch(); b++) prompts[b] = random.sequence(run.promptTokens());
        session.reset();

        long t0 = System.nanoTime();
        Logits logits = session.prefill(prompts);
        long t1 = System.nanoTime();
        int[] next = greedy(logits);
        long t2 = System.nanoTime();

        long[] steps = new long[run.decodeSteps()];
        for (int i = 0; i < steps.length; i++) {
            long s = System.nanoTime();
            logits = session.decode(next);
            steps[i] = System.nanoTime() - s;
            next = greedy(logits);
        }
        return RunOutcome.speed(t1 - t0, t2 - t1, steps, run.batch(), session.deviceMemoryBytes());
    }

    static int[] greedy(Logits logits) {
        int[] ids = new int[logits.batch()];
        for (int b = 0; b < ids.length; b++) ids[b] = Sampler.argmax(logits.data(), b * logits.vocab(), logits.vocab());
        return ids;
    }
}
