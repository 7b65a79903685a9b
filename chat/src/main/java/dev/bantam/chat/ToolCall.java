package dev.bantam.chat;

import java.util.Objects;

/**
 * A function the model asked to call, as an OpenAI-style client sees it.
 *
 * @param id        names the call, so that its result ({@link ChatMessage#toolResult}) can refer to it
 * @param arguments the arguments as one JSON object, in its text form
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
