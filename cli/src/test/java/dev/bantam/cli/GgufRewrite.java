package dev.bantam.cli;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufMetadata;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/** Malformed copies of a fixture GGUF for the CLI's bad-input tests: metadata edited, or one tensor's type changed to I8 (a type without kernels). */
final class GgufRewrite {
    /** No metadata edit. */
    static final BiConsumer<GgufMetadata, GgufWriter> SAME = (m, w) -> {};

    private GgufRewrite() {}

    /** Writes {@code out}: {@code source} with {@code edit} applied to its metadata (given the source's) and {@code i8Tensor}, when not null, retyped to I8. */
    static Path copy(Path source, Path out, BiConsumer<GgufMetadata, GgufWriter> edit, String i8Tensor) throws IOException {
        try (GgufFile in = GgufFile.open(source); Arena arena = Arena.ofConfined()) {
            GgufWriter w = new GgufWriter().putAll(in.metadata());
            edit.accept(in.metadata(), w);
            for (GgufTensorInfo t : in.tensorInfos()) {
                if (t.name().equals(i8Tensor)) {
                    w.addTensor(t.name(), WeightType.I8, t.shape(), arena.allocate(WeightType.I8.bytesFor(t.elements())));
                } else {
                    w.addTensor(t.name(), t.type(), t.shape(), in.tensor(t.name()).data());
                }
            }
            w.write(out);
        }
        return out;
    }

    /** An edit that sets one metadata key. */
    static BiConsumer<GgufMetadata, GgufWriter> put(String key, GgufValue value) {
        return (m, w) -> w.put(key, value);
    }

    /** An edit that replaces the token string {@code oldToken} with {@code newToken}. */
    static BiConsumer<GgufMetadata, GgufWriter> replaceToken(String oldToken, String newToken) {
        return (m, w) -> {
            String[] tokens = m.optStringArray("tokenizer.ggml.tokens").orElseThrow().clone();
            for (int i = 0; i < tokens.length; i++) if (tokens[i].equals(oldToken)) tokens[i] = newToken;
            w.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufValue.GgufArray.ofStrings(List.of(tokens))));
        };
    }
}
