package dev.bantam.core.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts control and user-defined tokens out of the text before pre-tokenization, so that a
 * special token written in the text ({@code <|endoftext|>}) becomes that token, as Hugging Face
 * and llama.cpp do. At each position the longest matching special token wins.
 */
final class SpecialTokenSplitter {

    /** A piece of the input: either ordinary text or a special token already resolved. */
    sealed interface Fragment permits Text, Special {}

    record Text(String text) implements Fragment {}

    record Special(int id) implements Fragment {}

    /** Special tokens by their first char, longest first, so the first hit is the longest match. */
    private final Map<Character, List<Candidate>> byFirstChar = new HashMap<>();

    private record Candidate(String text, int id) {}

    SpecialTokenSplitter(Vocabulary vocab) {
        for (int id = 0; id < vocab.size(); id++) {
            String t = vocab.token(id);
            if (TokenType.isSpecial(vocab.type(id)) && !t.isEmpty() && vocab.id(t) == id) {
                byFirstChar.computeIfAbsent(t.charAt(0), c -> new ArrayList<>()).add(new Candidate(t, id));
            }
        }
        Comparator<Candidate> longestFirst = Comparator.comparingInt((Candidate c) -> -c.text().length());
        byFirstChar.values().forEach(list -> list.sort(longestFirst.thenComparingInt(Candidate::id)));
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        if (!parseSpecial || byFirstChar.isEmpty()) {
            out.add(new Text(text));
            return out;
        }
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            Candidate hit = match(text, i);
            if (hit == null) {
                i++;
                continue;
            }
            if (i > start) out.add(new Text(text.substring(start, i)));
            out.add(new Special(hit.id()));
            i += hit.text().length();
            start = i;
        }
        if (start < text.length()) out.add(new Text(text.substring(start)));
        return out;
    }

    private Candidate match(String text, int i) {
        List<Candidate> candidates = byFirstChar.get(text.charAt(i));
        if (candidates == null) return null;
        for (Candidate c : candidates) {
            if (text.startsWith(c.text(), i)) return c;
        }
        return null;
    }
}
