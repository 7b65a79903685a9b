package dev.bantam.chat;

/** Why a reply ended: the model ended its turn (with or without tool calls), a limit was reached, or the caller stopped it. */
public enum FinishReason {
    /** An end-of-turn token or text (EOS, the template's end-of-turn marker). */
    STOP,
    /** The model ended its turn after asking for tool calls ({@link Reply#toolCalls()}). */
    TOOL_CALLS,
    /** The reply's token limit or the end of the context. */
    LENGTH,
    /** {@link ChatSession#cancel()} or {@link LanguageModel#cancel()} while it was generating. */
    CANCELLED
}
