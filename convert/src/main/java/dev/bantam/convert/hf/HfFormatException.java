package dev.bantam.convert.hf;

import java.io.IOException;

/**
 * A Hugging Face checkpoint that cannot be converted: a missing or unmappable tensor, an unknown
 * {@code architectures} entry, a config value GGUF cannot represent. The message is one line that
 * names the file and the thing; it is an {@link IOException} because the input is at fault, not
 * the caller's flags.
 */
public final class HfFormatException extends IOException {
    public HfFormatException(String message) {
        super(message);
    }
}
