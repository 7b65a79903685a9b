package dev.bantam.core.tokenizer;

import dev.bantam.core.format.ModelFormatException;
import dev.bantam.core.gguf.GgufMetadata;

import java.util.List;

/** Builds the tokenizer that a GGUF file describes in its {@code tokenizer.ggml.*} keys. */
public final class Tokenizers {
    private static final String PREFIX = "tokenizer.ggml.";
    static final String SUPPORTED_MODELS = "gpt2 (byte-level BPE), llama (SentencePiece)";

    private Tokenizers() {}

    /**
     * @param fileName named in error messages
     * @throws ModelFormatException for a tokenizer the file describes wrongly, or one (model,
     *         pre-tokenizer) this runtime lacks: always one line that names the file
     */
    public static Tokenizer fromGguf(GgufMetadata m, String fileName) {
        try {
            return build(m, fileName);
        } catch (IllegalArgumentException e) {
            // the builders below check what they read (a vocabulary's lengths, merge lines, byte
            // tokens) without knowing the file; it is the file's content, so exit 1 with its name
            throw inFile(fileName, e);
        }
    }

    /** An {@link IllegalArgumentException} about a file's content, as that file's format error. */
    static ModelFormatException inFile(String fileName, IllegalArgumentException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ModelFormatException(message.startsWith(fileName + ":") ? message : fileName + ": " + message, e);
    }

    private static Tokenizer build(GgufMetadata m, String fileName) {
        String model = m.optString(PREFIX + "model").orElseThrow(() -> new IllegalArgumentException(
                "%s: no tokenizer (tokenizer.ggml.model is missing); supported: %s".formatted(fileName, SUPPORTED_MODELS)));
        String[] tokens = m.optStringArray(PREFIX + "tokens").orElseThrow(() -> new IllegalArgumentException(
                "%s: tokenizer.ggml.tokens is missing".formatted(fileName)));
        int[] types = m.optIntArray(PREFIX + "token_type").orElse(null);
        float[] scores = m.optFloatArray(PREFIX + "scores").orElse(null);
        Vocabulary vocab = new Vocabulary(tokens, types, scores);
        int bos = id(m, "bos_token_id");
        int eos = id(m, "eos_token_id");
        int eot = id(m, "eot_token_id");
        return switch (model) {
            case "gpt2" -> {
                PreTokenizer pre = preTokenizer(m, fileName);
                // llama.cpp's defaults: byte-level BPE adds no BOS unless told, except Llama 3.
                boolean addBos = m.optBool(PREFIX + "add_bos_token").orElse(pre == PreTokenizer.LLAMA3);
                List<String[]> merges = BytePairTokenizer.parseMerges(m.optStringArray(PREFIX + "merges").orElse(new String[0]));
                yield new BytePairTokenizer(vocab, merges, pre, SpecialTokens.of(vocab, bos, eos, eot, addBos));
            }
            case "llama" -> {
                boolean addBos = m.optBool(PREFIX + "add_bos_token").orElse(true);
                boolean addSpacePrefix = m.optBool(PREFIX + "add_space_prefix").orElse(true);
                int unk = m.has(PREFIX + "unknown_token_id") ? id(m, "unknown_token_id") : firstOfType(vocab, TokenType.UNKNOWN);
                yield new SentencePieceTokenizer(vocab, SpecialTokens.of(vocab, bos, eos, eot, addBos), addSpacePrefix, unk);
            }
            default -> throw new IllegalArgumentException("%s: unsupported tokenizer.ggml.model '%s'; supported: %s"
                    .formatted(fileName, ModelFormatException.quote(model), SUPPORTED_MODELS));
        };
    }

    /**
     * The pre-tokenizer named by {@code tokenizer.ggml.pre}. Files from converters older than
     * that key carry none; they get GPT-2's regex, the original byte-level BPE split.
     */
    private static PreTokenizer preTokenizer(GgufMetadata m, String fileName) {
        String name = m.optString(PREFIX + "pre").orElse(null);
        if (name == null) return PreTokenizer.GPT2;
        return PreTokenizer.fromGgufName(name).orElseThrow(() -> new IllegalArgumentException(
                "%s: unsupported pre-tokenizer tokenizer.ggml.pre '%s'; supported: %s"
                        .formatted(fileName, ModelFormatException.quote(name), PreTokenizer.supportedNames())));
    }

    private static int id(GgufMetadata m, String key) {
        return m.optLong(PREFIX + key).map(v -> v >= 0 && v <= Integer.MAX_VALUE ? (int) (long) v : -1).orElse(-1);
    }

    private static int firstOfType(Vocabulary vocab, int type) {
        for (int id = 0; id < vocab.size(); id++) if (vocab.type(id) == type) return id;
        return -1;
    }
}
