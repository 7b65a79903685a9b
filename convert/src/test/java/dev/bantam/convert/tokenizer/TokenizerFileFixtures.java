package dev.bantam.convert.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The project's committed tokenizer fixtures ({@code ../fixtures} from the module dir). */
final class TokenizerFileFixtures {
    static final Path ROOT = Path.of("..", "fixtures");
    static final Path TOKENIZERS = ROOT.resolve("tokenizers");
    static final Path LLAMA_TINY_GGUF = ROOT.resolve("tiny/llama-tiny/llama-tiny-f32.gguf");

    private static JsonNode vectors;

    private TokenizerFileFixtures() {}

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

    static int[] ids(String vocabName, int i) {
        JsonNode a = vectors().get("vocabs").get(vocabName).get("ids").get(i);
        int[] ids = new int[a.size()];
        for (int k = 0; k < ids.length; k++) ids[k] = a.get(k).asInt();
        return ids;
    }
}
