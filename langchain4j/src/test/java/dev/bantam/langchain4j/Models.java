package dev.bantam.langchain4j;

import dev.bantam.chat.Bantam;
import dev.bantam.chat.LanguageModel;
import dev.bantam.chat.LoadOptions;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.testing.Fixtures;

import java.io.IOException;
import java.nio.file.Path;

/** The embedded austen-llama-7m (trained, no chat template of its own: it chats in ChatML), and a copy with a template. */
final class Models {
    static final Path AUSTEN = Fixtures.defaultModel("austen-llama-7m");
    static final LoadOptions OPTIONS = LoadOptions.DEFAULTS.withThreads(1).withContextSize(1024);

    private Models() {}

    static LanguageModel austen() throws IOException {
        return Bantam.load(AUSTEN, OPTIONS);
    }

    /** austen-llama-7m with {@code template} as its tokenizer.chat_template. */
    static LanguageModel austenWithTemplate(Path dir, String template) throws IOException {
        Path out = dir.resolve("austen-templated.gguf");
        try (GgufFile in = GgufFile.open(AUSTEN)) {
            GgufWriter w = new GgufWriter().putAll(in.metadata()).put("tokenizer.chat_template", GgufValue.of(template));
            for (GgufTensorInfo t : in.tensorInfos()) w.addTensor(t.name(), t.type(), t.shape(), in.tensor(t.name()).data());
            w.write(out);
        }
        return Bantam.load(out, OPTIONS);
    }

    static String qwen3Template() {
        return Fixtures.json("chat/chat-templates.json").get("templates").get("qwen3").get("chat_template").asText();
    }
}
