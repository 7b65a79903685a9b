package dev.bantam.core.generate;

/** Token counts and the time spent in the model for the prompt (prefill) and for decode steps. */
public record GenerationStats(int promptTokens, long promptNanos, int generatedTokens, int decodeSteps, long decodeNanos) {
    public double promptTokensPerSecond() {
        return promptNanos == 0 ? 0 : promptTokens * 1e9 / promptNanos;
    }

    /** Decode speed: one token per step (the first generated token comes from the prefill's logits). */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : decodeSteps * 1e9 / decodeNanos;
    }
}
