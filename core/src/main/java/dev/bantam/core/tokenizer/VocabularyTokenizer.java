package dev.bantam.core.tokenizer;

import java.util.Objects;

/**
 * What every vocabulary-based tokenizer shares: the vocabulary, its special tokens, and the raw
 * bytes each token decodes to (filled in by the subclass, which knows how its pieces map to bytes).
 */
abstract sealed class VocabularyTokenizer implements Tokenizer permits BytePairTokenizer, SentencePieceTokenizer {
    protected final Vocabulary vocab;
    protected final SpecialTokens specials;
    protected final byte[][] tokenBytes;

    VocabularyTokenizer(Vocabulary vocab, SpecialTokens specials) {
        this.vocab = Objects.requireNonNull(vocab);
        this.specials = Objects.requireNonNull(specials);
        this.tokenBytes = new byte[vocab.size()][];
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkId(id);
        return tokenBytes[id].clone();
    }

    @Override
    public String piece(int id) {
        checkId(id);
        return vocab.token(id);
    }

    protected void checkId(int id) {
        if (!vocab.contains(id)) {
            throw new IllegalArgumentException("token id %d is outside the vocabulary (0..%d)".formatted(id, vocab.size() - 1));
        }
    }

    @Override public int vocabSize() { return vocab.size(); }
    @Override public int bosId() { return specials.bosId(); }
    @Override public int eosId() { return specials.eosId(); }
    @Override public boolean addBosByDefault() { return specials.addBos(); }
    @Override public boolean isEndOfGeneration(int id) { return specials.endOfGeneration().contains(id); }
}
