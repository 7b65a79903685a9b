package dev.bantam.core.tokenizer;

/** The token types of {@code tokenizer.ggml.token_type} (llama.cpp's numbering). */
public final class TokenType {
    public static final int UNDEFINED = 0;
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    private TokenType() {}

    /** Control and user-defined tokens are matched as whole strings before any other splitting. */
    public static boolean isSpecial(int type) {
        return type == CONTROL || type == USER_DEFINED;
    }
}
