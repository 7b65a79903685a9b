package dev.bantam.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.core.gguf.GgufFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The project's committed fixtures ({@code ../fixtures} from the module dir) and the test vectors. */
final class TokenizerFixtures {
    static final Path ROOT = Path.of("..", "fixtures");
    static final Path TOKENIZERS = ROOT.resolve("tokenizers");
    static final Path LLAMA_TINY_GGUF = ROOT.resolve("tiny/llama-tiny/llama-tiny-f32.gguf");
    static final Path LLAMA_SPM_TINY_GGUF = ROOT.resolve("tiny/llama-spm-tiny/llama-spm-tiny-f32.gguf");

    private static JsonNode vectors;

    private TokenizerFixtures() {}

    static synchronized JsonNode vectors() {
        if (vectors == null) {
            try {
                vectors = new ObjectMapper().readTree(TOKENIZERS.resolve("tokenizer-vectors.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return vectors;
    }

    static List<String> strings() {
        List<String> out = new ArrayList<>();
        vectors().get("strings").forEach(n -> out.add(n.asText()));
        return out;
    }

    static JsonNode vocab(String name) {
        JsonNode v = vectors().get("vocabs").get(name);
        if (v == null) throw new IllegalStateException("no vocab " + name + " in tokenizer-vectors.json");
        return v;
    }

    /** The expected ids of string {@code i} for {@code vocabName}. */
    static int[] ids(String vocabName, int i) {
        JsonNode a = vocab(vocabName).get("ids").get(i);
        int[] ids = new int[a.size()];
        for (int k = 0; k < ids.length; k++) ids[k] = a.get(k).asInt();
        return ids;
    }

    /** The expected pre-tokenizer pieces of string {@code i}; null where the vectors give none. */
    static List<String> splits(String vocabName, int i) {
        JsonNode a = vocab(vocabName).get("splits").get(i);
        if (a == null || a.isNull()) return null;
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    static Tokenizer fromGguf(Path path) {
        if (!Files.exists(path)) throw new IllegalStateException("missing fixture " + path.toAbsolutePath());
        try (GgufFile f = GgufFile.open(path)) {
            return Tokenizers.fromGguf(f.metadata(), path.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
