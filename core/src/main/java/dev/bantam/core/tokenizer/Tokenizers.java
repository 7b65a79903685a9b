package dev.bantam.core.tokenizer;

import dev.bantam.core.gguf.GgufMetadata;

public final class Tokenizers {
    public static Tokenizer fromGguf(GgufMetadata m, String file) {
        throw new UnsupportedOperationException("placeholder until the tokenizer lands");
    }
}
