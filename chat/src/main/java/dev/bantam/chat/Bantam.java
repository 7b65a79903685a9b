package dev.bantam.chat;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.cpu.Model;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Where a Java program starts: loads a model and returns a {@link LanguageModel}.
 * <pre>{@code
 * try (LanguageModel model = Bantam.load(Path.of("qwen3-0.6b-q8_0.gguf"))) {
 *     ChatSession chat = model.chat("You are brief.");
 *     System.out.println(chat.send("What is a bantam?"));
 *     chat.stream("And a rooster?", System.out::print);
 * }
 * }</pre>
 */
public final class Bantam {
    private Bantam() {}

    public static LanguageModel load(Path model) throws IOException {
        return load(model, LoadOptions.DEFAULTS);
    }

    /** A GGUF file, or the name of a model on the class path (the embedded {@code austen-llama-7m} of the CLI jar). */
    public static LanguageModel load(String pathOrName) throws IOException {
        return load(pathOrName, LoadOptions.DEFAULTS);
    }

    public static LanguageModel load(String pathOrName, LoadOptions options) throws IOException {
        Path path = Path.of(pathOrName);
        if (Files.exists(path)) return load(path, options);
        return load(EmbeddedModels.find(pathOrName).orElseThrow(() -> new NoSuchFileException(pathOrName)), options);
    }

    public static LanguageModel load(Path model, LoadOptions options) throws IOException {
        if (!Files.isRegularFile(model)) throw new NoSuchFileException(model.toString());
        InferenceBackend backend = backend(options.backend());
        String name = model.getFileName().toString();
        SessionOptions session = SessionOptions.of(options.threadCount(), options.contextSize());
        if (backend instanceof CpuBackend) {
            Model m = Model.load(model, session.threads());
            try {
                int context = session.contextFor(m.config().contextLength());
                return new LanguageModel(name, new CpuContext(m, context), ChatFormat.of(m.file().metadata(), name, m.tokenizer()));
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
        ModelSource source = new ModelSource(model);
        GgufMetadata metadata = source.isGguf() ? metadata(model) : null;
        InferenceSession s = backend.open(source, session);
        try {
            return new LanguageModel(name, new SpiContext(s, backend.id()), ChatFormat.of(metadata, name, s.tokenizer()));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static InferenceBackend backend(String id) {
        InferenceBackend b = InferenceBackend.byId(id).orElseThrow(() -> new IllegalArgumentException(
                "unknown backend '%s' (known: %s)".formatted(id,
                        InferenceBackend.all().stream().map(InferenceBackend::id).collect(Collectors.joining(", ")))));
        var availability = b.availability();
        if (!availability.available()) throw new IllegalArgumentException("backend " + id + " is not available here: " + availability.reason());
        return b;
    }

    private static GgufMetadata metadata(Path model) throws IOException {
        try (GgufFile file = GgufFile.open(model)) {
            return file.metadata();
        }
    }
}
