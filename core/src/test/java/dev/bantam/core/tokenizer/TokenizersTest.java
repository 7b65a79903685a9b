package dev.bantam.core.tokenizer;

import dev.bantam.core.format.ModelFormatException;
import dev.bantam.core.gguf.GgufMetadata;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufValueType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Choosing and configuring a tokenizer from GGUF metadata. */
class TokenizersTest {
    private static final List<String> TOKENS = List.of("<|endoftext|>", "<|im_end|>", "a", "b", "ab", "Ġ");

    private static Map<String, GgufValue> byteLevel(String pre) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.of("gpt2"));
        if (pre != null) m.put("tokenizer.ggml.pre", GgufValue.of(pre));
        m.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufValue.GgufArray.ofStrings(TOKENS)));
        m.put("tokenizer.ggml.token_type", GgufValue.ofArray(new GgufValue.GgufArray(GgufValueType.INT32, new int[] {3, 3, 1, 1, 1, 1})));
        m.put("tokenizer.ggml.merges", GgufValue.ofArray(GgufValue.GgufArray.ofStrings(List.of("a b"))));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.ofU32(0));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.ofU32(0));
        return m;
    }

    private static Tokenizer build(Map<String, GgufValue> m) {
        return Tokenizers.fromGguf(new GgufMetadata("x.gguf", m), "x.gguf");
    }

    @Test
    void unknownModelIsNamedWithWhatIsSupported() {
        Map<String, GgufValue> m = byteLevel("gpt-2");
        m.put("tokenizer.ggml.model", GgufValue.of("bert"));
        assertThatThrownBy(() -> build(m)).isInstanceOf(ModelFormatException.class)
                .hasMessageContainingAll("x.gguf", "'bert'", "gpt2", "llama")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unknownPreTokenizerIsNamedWithWhatIsSupported() {
        assertThatThrownBy(() -> build(byteLevel("tekken"))).isInstanceOf(ModelFormatException.class)
                .hasMessageContainingAll("x.gguf", "'tekken'", "gpt-2", "llama-bpe", "llama3", "qwen2")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void byteLevelBosDefaults() {
        assertThat(build(byteLevel("gpt-2")).addBosByDefault()).isFalse();
        assertThat(build(byteLevel("qwen2")).addBosByDefault()).isFalse();
        assertThat(build(byteLevel("llama-bpe")).addBosByDefault()).isTrue();
        assertThat(build(byteLevel("llama3")).addBosByDefault()).isTrue();
        Map<String, GgufValue> m = byteLevel("gpt-2");
        m.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(true));
        assertThat(build(m).addBosByDefault()).isTrue();
        Map<String, GgufValue> off = byteLevel("llama-bpe");
        off.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(false));
        assertThat(build(off).addBosByDefault()).isFalse();
    }

    @Test
    void spmAddsBosByDefault() {
        Tokenizer spm = TokenizerFixtures.fromGguf(TokenizerFixtures.LLAMA_SPM_TINY_GGUF);
        assertThat(spm.addBosByDefault()).isTrue();
        assertThat(spm.bosId()).isEqualTo(1);
        assertThat(spm.eosId()).isEqualTo(2);
        assertThat(spm.isEndOfGeneration(2)).isTrue();
        assertThat(spm.isEndOfGeneration(1)).isFalse();
        int[] withBos = spm.encode("Hello world", true, true);
        assertThat(withBos[0]).isEqualTo(1);
        assertThat(java.util.Arrays.copyOfRange(withBos, 1, withBos.length)).containsExactly(spm.encode("Hello world", false, true));
    }

    @Test
    void endOfGenerationAndSpecialParsing() {
        Tokenizer t = build(byteLevel("gpt-2"));
        assertThat(t.eosId()).isZero();
        assertThat(t.isEndOfGeneration(0)).isTrue();
        assertThat(t.isEndOfGeneration(1)).isTrue(); // <|im_end|>
        assertThat(t.isEndOfGeneration(4)).isFalse();
        assertThat(t.encode("ab<|im_end|>", false, true)).containsExactly(4, 1);
        assertThat(t.encode("ab", true, true)).containsExactly(0, 4);
        // Not parsed: the special token's text is ordinary text (its chars are not in this vocabulary).
        assertThat(t.encode("<|im_end|>", false, false)).doesNotContain(1);
    }

    @Test
    void llamaTinyVocabularyFacts() {
        Tokenizer t = TokenizerFixtures.fromGguf(TokenizerFixtures.LLAMA_TINY_GGUF);
        assertThat(t.vocabSize()).isEqualTo(512);
        assertThat(t.addBosByDefault()).isFalse();
        assertThat(t.piece(0)).isEqualTo("<|endoftext|>");
        assertThat(t.tokenBytes(t.encode(" ", false, true)[0])).containsExactly(' ');
    }
}
