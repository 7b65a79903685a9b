package dev.bantam.core.tokenizer;

public interface Tokenizer {
    int[] encode(String text, boolean addBos, boolean parseSpecial);
    String decode(int[] ids);
    byte[] tokenBytes(int id);
    String piece(int id);
    int vocabSize();
    int bosId();
    int eosId();
    boolean addBosByDefault();
    boolean isEndOfGeneration(int id);
}
