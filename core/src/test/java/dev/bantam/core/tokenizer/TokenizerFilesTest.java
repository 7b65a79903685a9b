package dev.bantam.core.tokenizer;

import dev.bantam.core.format.ModelFormatException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.testing.Fixtures;
import dev.bantam.testing.TokenizerVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tokenizers loaded from Hugging Face and GPT-2 files give exactly the reference ids. */
class TokenizerFilesTest {
    private static final List<String> STRINGS = TokenizerVectors.strings();
    private static final Path TOK = Fixtures.path("tokenizers");

    @Test
    void gpt2R50kFromEncoderJsonAndVocabBpe() throws Exception {
        Tokenizer t = TokenizerFiles.fromGpt2Files(TOK.resolve("encoder.json"), TOK.resolve("vocab.bpe"));
        assertThat(t.vocabSize()).isEqualTo(50257);
        assertThat(t.eosId()).isEqualTo(50256);
        assertThat(t.addBosByDefault()).isFalse();
        assertIds(t, "gpt2-r50k");
        assertRoundTrip(t);
    }

    @Test
    void bpe4096FromTokenizerJson() throws Exception {
        Tokenizer t = TokenizerFiles.fromHuggingFaceJson(TOK.resolve("bpe4096-tokenizer.json"));
        assertThat(t.vocabSize()).isEqualTo(4096);
        assertIds(t, "bpe4096");
        assertRoundTrip(t);
    }

    @Test
    void bpe512FromTokenizerJsonMatchesTheGgufVocabulary() throws Exception {
        Tokenizer fromJson = TokenizerFiles.fromHuggingFaceJson(TOK.resolve("bpe512-tokenizer.json"));
        assertIds(fromJson, "bpe512");
        Tokenizer fromGguf;
        try (GgufFile f = GgufFile.open(Fixtures.tinyGguf("llama-tiny", "f32"))) {
            fromGguf = Tokenizers.fromGguf(f.metadata(), "llama-tiny-f32.gguf");
        }
        assertThat(fromJson.vocabSize()).isEqualTo(fromGguf.vocabSize());
        for (int id = 0; id < fromJson.vocabSize(); id++) assertThat(fromJson.piece(id)).isEqualTo(fromGguf.piece(id));
        for (String s : STRINGS) assertThat(fromJson.encode(s, false, true)).containsExactly(fromGguf.encode(s, false, true));
        assertThat(fromJson.eosId()).isEqualTo(fromGguf.eosId()).isZero();
        assertThat(fromJson.isEndOfGeneration(0)).isTrue();
    }

    @Test
    void mergesWrittenAsStringsReadTheSameAsPairs(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(TOK.resolve("bpe512-tokenizer.json").toFile());
        ArrayNode merges = (ArrayNode) root.path("model").path("merges");
        assertThat(merges.get(0).isArray()).isTrue(); // the fixture uses pairs; rewrite as "a b"
        ArrayNode asStrings = json.createArrayNode();
        merges.forEach(m -> asStrings.add(m.get(0).asText() + " " + m.get(1).asText()));
        ((ObjectNode) root.path("model")).set("merges", asStrings);
        Path file = dir.resolve("tokenizer.json");
        json.writeValue(file.toFile(), root);
        assertIds(TokenizerFiles.fromHuggingFaceJson(file), "bpe512");
    }

    @Test
    void preTokenizerIsChosenFromTheJson(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(TOK.resolve("bpe512-tokenizer.json").toFile());
        ObjectNode split = json.createObjectNode().put("type", "Split");
        split.putObject("pattern").put("Regex", PreTokenizer.LLAMA3.regex());
        ObjectNode seq = json.createObjectNode().put("type", "Sequence");
        seq.putArray("pretokenizers").add(split).add(json.createObjectNode().put("type", "ByteLevel").put("use_regex", false));
        root.set("pre_tokenizer", seq);
        Path llama3 = dir.resolve("llama3.json");
        json.writeValue(llama3.toFile(), root);
        assertThat(((BytePairTokenizer) TokenizerFiles.fromHuggingFaceJson(llama3)).preTokenizer()).isEqualTo(PreTokenizer.LLAMA3);

        split.putObject("pattern").put("Regex", PreTokenizer.QWEN2.regex());
        Path qwen = dir.resolve("qwen.json");
        json.writeValue(qwen.toFile(), root);
        assertThat(((BytePairTokenizer) TokenizerFiles.fromHuggingFaceJson(qwen)).preTokenizer()).isEqualTo(PreTokenizer.QWEN2);

        assertThat(((BytePairTokenizer) TokenizerFiles.fromHuggingFaceJson(TOK.resolve("bpe512-tokenizer.json"))).preTokenizer())
                .isEqualTo(PreTokenizer.GPT2);
    }

    @Test
    void nonBpeModelIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wordpiece.json");
        java.nio.file.Files.writeString(file, "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{}}}");
        assertThatThrownBy(() -> TokenizerFiles.fromHuggingFaceJson(file))
                .isInstanceOf(ModelFormatException.class).hasMessageContainingAll("wordpiece.json", "WordPiece", "BPE");
    }

    @Test
    void malformedFilesGiveOneLineNamingTheFileAndTheMember(@TempDir Path dir) throws Exception {
        assertRejected(dir, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0,}}}", dev.bantam.core.json.JsonFormatException.class,
                "t.json: invalid JSON at offset 43 (line 1, column 44): expected a string key, found '}'");
        assertRejected(dir, "[1]", ModelFormatException.class, "t.json: the document: expected an object, found an array");
        assertRejected(dir, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": -1}}}", ModelFormatException.class,
                "t.json: model.vocab[\"a\"]: expected a token id (an integer in 0 … 16777215), found -1");
        assertRejected(dir, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [[\"a\", \"b\", \"c\"]]}}", ModelFormatException.class,
                "t.json: model.merges[0]: expected a pair of tokens, found 3 elements");
        assertRejected(dir, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}, \"added_tokens\": [{\"id\": 0, \"content\": 5}]}", ModelFormatException.class,
                "t.json: added_tokens[0].content: expected a string, found 5");
        assertRejected(dir, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}, \"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": 1}]}}",
                ModelFormatException.class, "t.json: pre_tokenizer.pretokenizers[0].type: expected a string, found 1");
    }

    private static void assertRejected(Path dir, String json, Class<? extends Exception> type, String message) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("t.json"), json);
        assertThatThrownBy(() -> TokenizerFiles.fromHuggingFaceJson(file)).isInstanceOf(type).hasMessage(message);
    }

    /** Encoding ~470 KB of text must stay far below the 2 s budget (a quadratic merge would not). */
    @Test
    void encodesHalfAMegabyteQuickly() throws Exception {
        Tokenizer t = TokenizerFiles.fromHuggingFaceJson(TOK.resolve("bpe4096-tokenizer.json"));
        StringBuilder sb = new StringBuilder();
        java.util.Random r = new java.util.Random(1);
        while (sb.length() < 470_000) sb.append(STRINGS.get(r.nextInt(STRINGS.size()))).append(r.nextBoolean() ? " " : "\n");
        String text = sb.toString();
        t.encode(text.substring(0, 20_000), false, true); // warm-up
        long start = System.nanoTime();
        int[] ids = t.encode(text, false, true);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(t.decode(ids)).isEqualTo(text);
        assertThat(seconds).as("seconds to encode %d chars", text.length()).isLessThan(2.0);
    }

    private static void assertIds(Tokenizer t, String vocab) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < STRINGS.size(); i++) {
            int[] expected = TokenizerVectors.ids(vocab, i);
            int[] actual = t.encode(STRINGS.get(i), false, true);
            if (!Arrays.equals(expected, actual)) {
                failures.add("#%d: expected %s, got %s".formatted(i, Arrays.toString(expected), Arrays.toString(actual)));
            }
        }
        assertThat(failures).as(vocab).isEmpty();
    }

    private static void assertRoundTrip(Tokenizer t) {
        for (String s : STRINGS) assertThat(t.decode(t.encode(s, false, true))).isEqualTo(s);
    }
}
