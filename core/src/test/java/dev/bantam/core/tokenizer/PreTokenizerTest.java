package dev.bantam.core.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PreTokenizerTest {

    /**
     * {@code \s} is Unicode White_Space, as in the reference regex engines (checked with Python's
     * regex module): U+3000, U+2028, U+0085 and U+00A0 are spaces, U+001C is not.
     */
    @Test
    void whitespaceIsUnicodeWhiteSpace() {
        assertThat(PreTokenizer.GPT2.split("a\u3000\u3000b \u2028x\u0085y\u00a0\u00a0z\u001c\u001cw")).containsExactly(
                "a", "\u3000", "\u3000", "b", " ", "\u2028", "x", "\u0085", "y", "\u00a0", "\u00a0", "z", "\u001c\u001c", "w");
    }

    @Test
    void digitsAreGroupedByThreeForLlama3AndSinglyForQwen2() {
        assertThat(PreTokenizer.LLAMA3.split("1234567")).containsExactly("123", "456", "7");
        assertThat(PreTokenizer.QWEN2.split("123")).containsExactly("1", "2", "3");
        assertThat(PreTokenizer.GPT2.split("1234567")).containsExactly("1234567");
    }

    @Test
    void namesFromGguf() {
        assertThat(PreTokenizer.fromGgufName("llama-bpe")).contains(PreTokenizer.LLAMA3);
        assertThat(PreTokenizer.fromGgufName("llama3")).contains(PreTokenizer.LLAMA3);
        assertThat(PreTokenizer.fromGgufName("qwen2")).contains(PreTokenizer.QWEN2);
        assertThat(PreTokenizer.fromGgufName("gpt-2")).contains(PreTokenizer.GPT2);
        assertThat(PreTokenizer.fromGgufName("tekken")).isEmpty();
        assertThat(PreTokenizer.LLAMA3.wholePieceLookup()).isTrue();
        assertThat(PreTokenizer.GPT2.wholePieceLookup()).isFalse();
    }
}
