package dev.bantam.chat.template;

/**
 * A chat template failed: it rejected the conversation ({@code raise_exception}, such as Gemma's
 * "Conversation roles must alternate"), did not parse, or went past its {@link TemplateLimits}.
 * The message is one line that names the template's own message. An {@link IllegalArgumentException}
 * because the cause is the input: the conversation, or the template that came with the model.
 */
public final class ChatTemplateException extends IllegalArgumentException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
