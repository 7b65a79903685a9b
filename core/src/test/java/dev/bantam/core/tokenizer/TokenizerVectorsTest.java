package dev.bantam.core.tokenizer;

import dev.bantam.testing.TokenizerVectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every string of tokenizer-vectors.json, exact ids and pieces, no BOS. */
class TokenizerVectorsTest {
    private static final List<String> STRINGS = TokenizerVectors.strings();

    @Test
    void vectorsCoverAllStrings() {
        assertThat(STRINGS).hasSize(51);
    }

    @Test
    void bpe512IdsFromLlamaTinyGguf() {
        Tokenizer t = TokenizerFixtures.fromGguf(TokenizerFixtures.LLAMA_TINY_GGUF);
        assertThat(t).isInstanceOf(BytePairTokenizer.class);
        assertIds(t, "bpe512");
    }

    @Test
    void spm1000IdsFromLlamaSpmTinyGguf() {
        Tokenizer t = TokenizerFixtures.fromGguf(TokenizerFixtures.LLAMA_SPM_TINY_GGUF);
        assertThat(t).isInstanceOf(SentencePieceTokenizer.class);
        assertIds(t, "spm1000");
    }

    @Test
    void gpt2Splits() {
        assertSplits(PreTokenizer.GPT2, "gpt2-r50k");
    }

    @Test
    void llama3Splits() {
        assertSplits(PreTokenizer.LLAMA3, "llama3-splits-only");
    }

    @Test
    void qwen2Splits() {
        assertSplits(PreTokenizer.QWEN2, "qwen3-splits-only");
    }

    @Test
    void roundTripOfEveryVectorString() {
        for (Tokenizer t : List.of(TokenizerFixtures.fromGguf(TokenizerFixtures.LLAMA_TINY_GGUF),
                TokenizerFixtures.fromGguf(TokenizerFixtures.LLAMA_SPM_TINY_GGUF))) {
            for (String s : STRINGS) {
                assertThat(t.decode(t.encode(s, false, true))).as("%s: %s", t.getClass().getSimpleName(), s).isEqualTo(s);
                assertThat(t.decode(t.encode(s, false, false))).isEqualTo(s);
            }
        }
    }

    static void assertIds(Tokenizer t, String vocab) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < STRINGS.size(); i++) {
            int[] expected = TokenizerVectors.ids(vocab, i);
            int[] actual = t.encode(STRINGS.get(i), false, true);
            if (!java.util.Arrays.equals(expected, actual)) {
                failures.add("#%d %s: expected %s, got %s".formatted(i, STRINGS.get(i).replace("\n", "\\n"),
                        java.util.Arrays.toString(expected), java.util.Arrays.toString(actual)));
            }
        }
        assertThat(failures).as(vocab).isEmpty();
    }

    private static void assertSplits(PreTokenizer pre, String vocab) {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i < STRINGS.size(); i++) {
            List<String> expected = TokenizerVectors.splits(vocab, i);
            if (expected == null) continue; // the string with a special token: no pre-tokenizer-only split given
            checked++;
            List<String> actual = pre.split(STRINGS.get(i));
            if (!expected.equals(actual)) failures.add("#%d: expected %s, got %s".formatted(i, expected, actual));
        }
        assertThat(failures).as(vocab).isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(50);
    }
}
