package dev.bantam.chat.template;

/**
 * A chat template failed: it rejected the conversation ({@code raise_exception}, such as Gemma's
 * "Conversation roles must alternate"), did not parse, or went past its {@link TemplateLimits}.
 * The message is one line that names the template's own message. An {@link IllegalArgumentException}
 * because the cause is the input: the conversation, or the template that came with the model.
 */
public final class ChatTemplateException extends IllegalArgumentException {
    /** Longest stretch of the template's (or jinjava's) text a message carries. */
    static final int MAX_QUOTED = 200;

    public ChatTemplateException(String message) {
        super(message);
    }

    /**
     * A message from the template or jinjava, which can echo the template's text, as one safe line:
     * whitespace runs across lines joined, control characters as {@code \xNN}, format characters
     * (bidi overrides) as a backslash-u escape, and cut after {@link #MAX_QUOTED} characters. The same
     * rule as the engine's {@code ModelFormatException.quote}, kept here because templates do not
     * depend on the engine.
     */
    static String oneLine(String message) {
        String s = message.strip().replaceAll("\\s*\\R\\s*", " ");
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 16);
        for (int i = 0; i < s.length() && i < MAX_QUOTED; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) sb.append("\\x%02X".formatted((int) c));
            else if (Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029) sb.append("\\u%04X".formatted((int) c));
            else sb.append(c);
        }
        if (s.length() > MAX_QUOTED) sb.append("… (").append(s.length()).append(" chars)");
        return sb.toString();
    }
}
