package dev.bantam.convert;

import dev.bantam.core.tokenizer.ByteLevel;

import java.util.ArrayList;
import java.util.List;

/**
 * A byte-level BPE vocabulary of any size for synthetic models: the 256 byte symbols, then
 * two-symbol and three-symbol tokens, each with the merge that makes it, and an end-of-text
 * control token last. Real tokenizers (Bantam's and llama.cpp's) load and run it.
 */
public record SynthVocabulary(List<String> tokens, int[] types, List<String> merges) {
    public static final String END_OF_TEXT = "<|endoftext|>";

    public static SynthVocabulary of(int size) {
        if (size < 257) throw new IllegalArgumentException("vocabulary size must be at least 257, got " + size);
        List<String> symbols = byteSymbols();
        List<String> tokens = new ArrayList<>(symbols);
        List<String> merges = new ArrayList<>();
        int pairs = Math.min(size - 1 - tokens.size(), 256 * 256);
        for (int i = 0; i < pairs; i++) {
            String a = symbols.get(i / 256 % 256), b = symbols.get(i % 256);
            tokens.add(a + b);
            merges.add(a + " " + b);
        }
        for (int i = 0; tokens.size() < size - 1; i++) {
            String a = symbols.get(i / 65536 % 256), bc = tokens.get(256 + i % 65536);
            tokens.add(a + bc);
            merges.add(a + " " + bc);
        }
        tokens.add(END_OF_TEXT);
        int[] types = new int[tokens.size()];
        java.util.Arrays.fill(types, 1);
        types[types.length - 1] = 3;
        return new SynthVocabulary(tokens, types, merges);
    }

    private static List<String> byteSymbols() {
        List<String> out = new ArrayList<>(256);
        for (int b = 0; b < 256; b++) out.add(String.valueOf(ByteLevel.charOf(b)));
        return out;
    }
}
