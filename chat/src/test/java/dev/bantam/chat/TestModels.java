package dev.bantam.chat;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.testing.Fixtures;

import java.io.IOException;
import java.nio.file.Path;

/** The random-weight llama-tiny of the fixtures (512-token byte-level BPE), with or without a chat template. */
final class TestModels {
    static final Path TINY = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf");

    private TestModels() {}

    /** A copy of llama-tiny whose metadata carries {@code template} as tokenizer.chat_template. */
    static Path withTemplate(Path dir, String template) throws IOException {
        return withTemplate(dir, TINY, template);
    }

    /** A copy of {@code model} whose metadata carries {@code template} as tokenizer.chat_template. */
    static Path withTemplate(Path dir, Path model, String template) throws IOException {
        Path out = dir.resolve("templated-" + model.getFileName());
        try (GgufFile in = GgufFile.open(model)) {
            GgufWriter w = new GgufWriter().putAll(in.metadata()).put(ChatFormat.TEMPLATE_KEY, GgufValue.of(template));
            for (GgufTensorInfo t : in.tensorInfos()) w.addTensor(t.name(), t.type(), t.shape(), in.tensor(t.name()).data());
            w.write(out);
        }
        return out;
    }

    static LanguageModel tiny() throws IOException {
        return Bantam.load(TINY, LoadOptions.DEFAULTS.withThreads(1).withContextSize(256));
    }
}
