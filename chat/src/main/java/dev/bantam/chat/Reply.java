package dev.bantam.chat;

import java.util.List;
import java.util.Objects;

/**
 * One reply and what it cost.
 *
 * @param text            the reply's content: what the model wrote, less its tool calls
 * @param promptTokens    tokens of the rendered conversation
 * @param reusedTokens    of those, the ones already in the KV cache (not computed again)
 * @param generatedTokens tokens sampled for the reply
 * @param toolCalls       the functions the model asked to call, in its order (empty for none)
 */
public record Reply(String text, FinishReason finishReason, int promptTokens, int reusedTokens, int generatedTokens,
                    long prefillNanos, long decodeNanos, List<ToolCall> toolCalls) {
    public Reply {
        Objects.requireNonNull(text, "text");
        toolCalls = List.copyOf(toolCalls);
    }

    /** A reply without tool calls. */
    public Reply(String text, FinishReason finishReason, int promptTokens, int reusedTokens, int generatedTokens,
                 long prefillNanos, long decodeNanos) {
        this(text, finishReason, promptTokens, reusedTokens, generatedTokens, prefillNanos, decodeNanos, List.of());
    }

    /**
     * This reply with its text split into content and calls. A turn that the model ended with calls
     * finishes with {@link FinishReason#TOOL_CALLS}; one cut short by a limit or a cancellation keeps
     * that reason (its calls may be incomplete: more could have followed).
     */
    Reply withToolCalls(String content, List<ToolCall> calls) {
        FinishReason reason = finishReason == FinishReason.STOP && !calls.isEmpty() ? FinishReason.TOOL_CALLS : finishReason;
        return new Reply(content, reason, promptTokens, reusedTokens, generatedTokens, prefillNanos, decodeNanos, calls);
    }

    /** Tokens that this turn's prefill computed. */
    public int prefilledTokens() {
        return promptTokens - reusedTokens;
    }

    public double decodeTokensPerSecond() {
        return decodeNanos == 0 || generatedTokens < 2 ? 0 : (generatedTokens - 1) * 1e9 / decodeNanos;
    }
}
