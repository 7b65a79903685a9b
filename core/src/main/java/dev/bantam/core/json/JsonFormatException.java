package dev.bantam.core.json;

import java.io.IOException;

/**
 * A JSON document that does not follow RFC 8259 (or is nested too deep). The message is one line
 * naming the file, the offset and the problem, so a user can see what is wrong without a stack
 * trace; it is an {@link IOException} because it is a file that cannot be read.
 */
public final class JsonFormatException extends IOException {
    private final long offset;

    JsonFormatException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    /** Where the problem was found: a character offset into the text (a byte offset for bad UTF-8). */
    public long offset() { return offset; }
}
