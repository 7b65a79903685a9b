package dev.bantam.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code fixtures/tokenizers/tokenizer-vectors.json}: the test strings and, per vocabulary, the
 * ids (and for some the pre-tokenizer pieces) that the reference tokenizers produce.
 */
public final class TokenizerVectors {
    private static JsonNode vectors;

    private TokenizerVectors() {}

    public static synchronized JsonNode all() {
        if (vectors == null) vectors = Fixtures.json("tokenizers/tokenizer-vectors.json");
        return vectors;
    }

    public static List<String> strings() {
        List<String> out = new ArrayList<>();
        all().get("strings").forEach(n -> out.add(n.asText()));
        return out;
    }

    public static JsonNode vocab(String name) {
        JsonNode v = all().get("vocabs").get(name);
        if (v == null) throw new IllegalStateException("no vocab " + name + " in tokenizer-vectors.json");
        return v;
    }

    /** The expected ids of string {@code i} for {@code vocabName}. */
    public static int[] ids(String vocabName, int i) {
        return Fixtures.ints(vocab(vocabName).get("ids").get(i));
    }

    /** The expected pre-tokenizer pieces of string {@code i}; null where the vectors give none. */
    public static List<String> splits(String vocabName, int i) {
        JsonNode a = vocab(vocabName).get("splits").get(i);
        if (a == null || a.isNull()) return null;
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }
}
