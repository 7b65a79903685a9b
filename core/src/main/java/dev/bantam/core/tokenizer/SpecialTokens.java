package dev.bantam.core.tokenizer;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * BOS/EOS ids, whether BOS is added by default, and the ids that end generation.
 *
 * @param bosId           -1 when none
 * @param eosId           -1 when none
 * @param endOfGeneration ids that stop generation (includes eosId when there is one)
 */
public record SpecialTokens(int bosId, int eosId, boolean addBos, Set<Integer> endOfGeneration) {

    /** End-of-turn tokens of the common chat vocabularies; they end generation when present. */
    static final List<String> END_OF_TURN_NAMES = List.of("<|endoftext|>", "<|im_end|>", "<|eot_id|>");

    public SpecialTokens {
        endOfGeneration = Set.copyOf(endOfGeneration);
    }

    /**
     * The usual rules: EOS, an explicit end-of-turn id (GGUF's {@code eot_token_id}, -1 if none),
     * and any of {@link #END_OF_TURN_NAMES} that the vocabulary has.
     */
    public static SpecialTokens of(Vocabulary vocab, int bosId, int eosId, int eotId, boolean addBos) {
        Set<Integer> stop = new HashSet<>();
        if (vocab.contains(eosId)) stop.add(eosId);
        if (vocab.contains(eotId)) stop.add(eotId);
        for (String name : END_OF_TURN_NAMES) {
            int id = vocab.id(name);
            if (id >= 0) stop.add(id);
        }
        return new SpecialTokens(vocab.contains(bosId) ? bosId : -1, vocab.contains(eosId) ? eosId : -1,
                addBos && vocab.contains(bosId), stop);
    }
}
