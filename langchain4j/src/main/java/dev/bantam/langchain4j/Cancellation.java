package dev.bantam.langchain4j;

import dev.langchain4j.model.chat.response.StreamingHandle;

/** The handle a streaming handler gets with each piece: cancelling it stops the reply at the next token. */
final class Cancellation implements StreamingHandle {
    private volatile boolean cancelled;

    @Override
    public void cancel() { cancelled = true; }

    @Override
    public boolean isCancelled() { return cancelled; }
}
