package dev.bantam.core.format;

/**
 * A file (GGUF, tokenizer.json, ONNX metadata, ...) whose content is malformed: the one error
 * type for "the file is wrong", so that the CLI maps every such problem to one line and exit 1,
 * apart from usage errors (exit 2). The message names the file, the field or tensor, what was
 * expected and what was found; untrusted text in it goes through {@link #quote}.
 */
public class ModelFormatException extends RuntimeException {
    /** Longest stretch of untrusted text a message carries: enough to recognise, never a flood. */
    public static final int MAX_QUOTED = 200;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code file: where: expected E, found F}, with {@code found} escaped. */
    public static ModelFormatException of(String file, String where, String expected, String found) {
        return new ModelFormatException("%s: %s: expected %s, found %s".formatted(file, quote(where), expected, quote(found)));
    }

    /** A parser's message (Jackson's runs over several lines and echoes the input) as its first line, quoted. */
    public static String parserMessage(String message) {
        return quote(message == null ? "" : message.lines().findFirst().orElse(""));
    }

    /**
     * {@code c} as it may appear in a one-line message: control characters as {@code \xNN}; line
     * and paragraph separators and the invisible format characters (bidi overrides such as U+202E
     * reorder what a terminal shows) as a backslash, {@code u} and four hex digits.
     */
    public static void appendEscaped(StringBuilder sb, char c) {
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) sb.append("\\x%02X".formatted((int) c));
        else if (c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT) sb.append("\\u%04X".formatted((int) c));
        else sb.append(c);
    }

    /**
     * Text from a file made safe for a one-line message: every character escaped as
     * {@link #appendEscaped} does, and anything past {@link #MAX_QUOTED} characters cut with an
     * ellipsis, so a hostile name cannot put binary or many lines on a terminal.
     */
    public static String quote(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 8);
        int n = 0;
        for (int i = 0; i < s.length() && n < MAX_QUOTED; i++, n++) {
            appendEscaped(sb, s.charAt(i));
        }
        if (s.length() > MAX_QUOTED) sb.append("… (").append(s.length()).append(" chars)");
        return sb.toString();
    }
}
