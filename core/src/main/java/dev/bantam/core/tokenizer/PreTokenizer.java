package dev.bantam.core.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The regex that cuts text into pieces before byte-level BPE, chosen by {@code tokenizer.ggml.pre}.
 * The reference engines (Hugging Face's onig, tiktoken's fancy-regex, llama.cpp) read {@code \s}
 * as Unicode White_Space, so the patterns are compiled with {@link Pattern#UNICODE_CHARACTER_CLASS}
 * (plain Java {@code \s} is ASCII only; U+00A0, U+3000 etc. would fall into the punctuation branch).
 */
public enum PreTokenizer {
    GPT2("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            false, "gpt-2"),
    LLAMA3("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            true, "llama-bpe", "llama3"),
    QWEN2("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            false, "qwen2", "deepseek-r1-qwen");

    private final Pattern pattern;
    private final boolean wholePieceLookup;
    private final List<String> ggufNames;

    PreTokenizer(String regex, boolean wholePieceLookup, String... ggufNames) {
        this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        this.wholePieceLookup = wholePieceLookup;
        this.ggufNames = List.of(ggufNames);
    }

    /** The regex, as written in the spec. */
    public String regex() { return pattern.pattern(); }

    /**
     * Whether a piece that is itself a vocabulary token is emitted without merging (llama3
     * vocabularies: Hugging Face's {@code ignore_merges}, llama.cpp's llama-bpe handling).
     */
    public boolean wholePieceLookup() { return wholePieceLookup; }

    /** The {@code tokenizer.ggml.pre} values that select this pre-tokenizer. */
    public List<String> ggufNames() { return ggufNames; }

    public static Optional<PreTokenizer> fromGgufName(String name) {
        return Arrays.stream(values()).filter(p -> p.ggufNames.contains(name)).findFirst();
    }

    /** All accepted {@code tokenizer.ggml.pre} values, for error messages. */
    public static String supportedNames() {
        return Arrays.stream(values()).flatMap(p -> p.ggufNames.stream()).collect(Collectors.joining(", "));
    }

    /**
     * The pieces of {@code text}, in order; their concatenation is {@code text}. The patterns
     * match every char, but any gap is still returned as a piece so that no text is ever lost.
     */
    public List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int end = 0;
        while (m.find()) {
            if (m.start() > end) pieces.add(text.substring(end, m.start()));
            if (m.end() > m.start()) pieces.add(m.group());
            end = m.end();
        }
        if (end < text.length()) pieces.add(text.substring(end));
        return pieces;
    }
}
