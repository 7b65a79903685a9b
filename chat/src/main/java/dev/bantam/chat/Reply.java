package dev.bantam.chat;

/**
 * One reply and what it cost.
 *
 * @param promptTokens    tokens of the rendered conversation
 * @param reusedTokens    of those, the ones already in the KV cache (not computed again)
 * @param generatedTokens tokens sampled for the reply
 */
public record Reply(String text, FinishReason finishReason, int promptTokens, int reusedTokens, int generatedTokens,
                    long prefillNanos, long decodeNanos) {
    /** Tokens that this turn's prefill computed. */
    public int prefilledTokens() {
        return promptTokens - reusedTokens;
    }

    public double decodeTokensPerSecond() {
        return decodeNanos == 0 || generatedTokens < 2 ? 0 : (generatedTokens - 1) * 1e9 / decodeNanos;
    }
}
