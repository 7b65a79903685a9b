package dev.bantam.core.gguf;

import dev.bantam.core.format.ModelFormatException;

/**
 * A GGUF file that does not follow the format. The message always names the file, the field
 * and the byte offset, so a user can see what is wrong without a stack trace.
 */
public final class GgufFormatException extends ModelFormatException {
    public GgufFormatException(String message) {
        super(message);
    }

    static GgufFormatException at(String file, String field, long offset, String problem) {
        return new GgufFormatException("%s: %s at offset 0x%x: %s".formatted(file, quote(field), offset, problem));
    }
}
