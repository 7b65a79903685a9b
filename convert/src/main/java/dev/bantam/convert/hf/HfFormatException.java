package dev.bantam.convert.hf;

import dev.bantam.core.format.ModelFormatException;

import java.io.IOException;

/**
 * A Hugging Face checkpoint that cannot be converted: a missing or unmappable tensor, an unknown
 * {@code architectures} entry, a config value GGUF cannot represent. The message is one line that
 * names the file and the thing; it is an {@link IOException} because the input is at fault, not
 * the caller's flags.
 */
public final class HfFormatException extends IOException {
    /**
     * Every character escaped as {@link ModelFormatException#appendEscaped} does: the message quotes
     * values from the checkpoint (layer types, names, regexes), and one site that forgot to quote
     * must not put raw control bytes or a flood on a terminal (fuzzing found two such sites);
     * past {@link #MAX_CHARS} the message is cut.
     */
    public HfFormatException(String message) {
        super(escaped(message));
    }

    private static final int MAX_CHARS = 1000;

    private static String escaped(String message) {
        StringBuilder sb = new StringBuilder(Math.min(message.length(), MAX_CHARS) + 16);
        for (int i = 0; i < message.length() && i < MAX_CHARS; i++) ModelFormatException.appendEscaped(sb, message.charAt(i));
        if (message.length() > MAX_CHARS) sb.append("… (").append(message.length()).append(" chars)");
        return sb.toString();
    }
}
