package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bantam.core.gguf.GgufMetadata;
import dev.bantam.core.tokenizer.PreTokenizer;
import dev.bantam.core.tokenizer.TokenType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tokenizer.json} and {@code tokenizer_config.json} for the vocabulary a GGUF file carries
 * ({@code tokenizer.ggml.*}, gguf.md), in the form Hugging Face's fast tokenizers load:
 * <ul>
 *   <li>{@code gpt2} (byte-level BPE): vocab and merges as stored; the pre-tokenizer regex of
 *       {@code tokenizer.ggml.pre} (GPT-2's ByteLevel, or a Split with Llama 3's / Qwen 2's
 *       pattern before a regex-less ByteLevel, as those models' own files have it).</li>
 *   <li>{@code llama} (SentencePiece): a BPE model with byte fallback, as transformers' own
 *       {@code LlamaConverter} writes it, its merges derived from the scores (a pair merges
 *       at the rank of the score of the piece it forms, highest first).</li>
 * </ul>
 * Control and user-defined tokens become {@code added_tokens}; BOS is added by a
 * TemplateProcessing post-processor exactly when the GGUF file adds it.
 */
public final class HfTokenizerFiles {
    private HfTokenizerFiles() {}

    private static final String P = "tokenizer.ggml.";
    // The patterns of the published tokenizer.json files (Llama 3, Qwen 2); the engine's PreTokenizer holds the same regexes in Java syntax.
    static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Whether the file carries a vocabulary that can be written. */
    public static boolean present(GgufMetadata m) {
        return m.has(P + "model") && m.has(P + "tokens");
    }

    public static void write(GgufMetadata m, int contextLength, Path dir) throws IOException {
        String model = m.getString(P + "model");
        String[] tokens = m.optStringArray(P + "tokens").orElseThrow();
        int[] types = m.optIntArray(P + "token_type").orElse(null);
        int bos = id(m, "bos_token_id"), eos = id(m, "eos_token_id");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", "1.0");
        json.put("truncation", null);
        json.put("padding", null);
        json.put("added_tokens", addedTokens(tokens, types));
        boolean addBos;
        switch (model) {
            case "gpt2" -> {
                PreTokenizer pre = m.optString(P + "pre").map(n -> PreTokenizer.fromGgufName(n).orElseThrow(() ->
                        new IllegalArgumentException("tokenizer.ggml.pre '" + n + "' has no Hugging Face export"))).orElse(PreTokenizer.GPT2);
                addBos = m.optBool(P + "add_bos_token").orElse(pre == PreTokenizer.LLAMA3);
                json.put("normalizer", null);
                json.put("pre_tokenizer", byteLevelPre(pre));
                json.put("post_processor", addBos && bos >= 0 ? bosTemplate(tokens[bos], bos)
                        : ordered("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", false, "use_regex", true));
                json.put("decoder", ordered("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
                List<List<String>> merges = new ArrayList<>();
                for (String line : m.optStringArray(P + "merges").orElse(new String[0])) {
                    int sp = line.indexOf(' ', 1);
                    merges.add(List.of(line.substring(0, sp), line.substring(sp + 1)));
                }
                json.put("model", bpe(vocab(tokens), merges, null, false, pre.wholePieceLookup()));
            }
            case "llama" -> {
                addBos = m.optBool(P + "add_bos_token").orElse(true);
                boolean spacePrefix = m.optBool(P + "add_space_prefix").orElse(true);
                float[] scores = m.optFloatArray(P + "scores").orElse(new float[tokens.length]);
                int unk = m.has(P + "unknown_token_id") ? id(m, "unknown_token_id") : firstOfType(types, TokenType.UNKNOWN);
                Map<String, Object> replace = ordered("type", "Replace", "pattern", Map.of("String", " "), "content", "\u2581");
                json.put("normalizer", spacePrefix
                        ? ordered("type", "Sequence", "normalizers", List.of(ordered("type", "Prepend", "prepend", "\u2581"), replace))
                        : replace);
                json.put("pre_tokenizer", null);
                json.put("post_processor", addBos && bos >= 0 ? bosTemplate(tokens[bos], bos) : null);
                List<Object> decoders = new ArrayList<>(List.of(
                        ordered("type", "Replace", "pattern", Map.of("String", "\u2581"), "content", " "),
                        Map.of("type", "ByteFallback"), Map.of("type", "Fuse")));
                if (spacePrefix) decoders.add(ordered("type", "Strip", "content", " ", "start", 1, "stop", 0));
                json.put("decoder", ordered("type", "Sequence", "decoders", decoders));
                json.put("model", bpe(vocab(tokens), sentencePieceMerges(tokens, types, scores), unk >= 0 ? tokens[unk] : null, true, false));
            }
            default -> throw new IllegalArgumentException("tokenizer.ggml.model '" + model + "' has no Hugging Face export (expected gpt2 or llama)");
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        mapper.writeValue(dir.resolve("tokenizer.json").toFile(), json);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("add_bos_token", addBos);
        config.put("add_eos_token", false);
        if (bos >= 0) config.put("bos_token", tokens[bos]);
        if (eos >= 0) config.put("eos_token", tokens[eos]);
        int unk = m.has(P + "unknown_token_id") ? id(m, "unknown_token_id") : firstOfType(types, TokenType.UNKNOWN);
        if (unk >= 0) config.put("unk_token", tokens[unk]);
        config.put("model_max_length", contextLength);
        config.put("clean_up_tokenization_spaces", false);
        m.optString("tokenizer.chat_template").ifPresent(t -> config.put("chat_template", t));
        mapper.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
    }

    private static Map<String, Object> byteLevelPre(PreTokenizer pre) {
        if (pre == PreTokenizer.GPT2) return ordered("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true);
        String regex = switch (pre) {
            case LLAMA3 -> LLAMA3_REGEX;
            case QWEN2 -> QWEN2_REGEX;
            default -> throw new IllegalArgumentException("pre-tokenizer " + pre + " has no Hugging Face export");
        };
        return ordered("type", "Sequence", "pretokenizers", List.of(
                ordered("type", "Split", "pattern", Map.of("Regex", regex), "behavior", "Isolated", "invert", false),
                ordered("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", false)));
    }

    private static Map<String, Object> bosTemplate(String bosToken, int bos) {
        Map<String, Object> special = Map.of("SpecialToken", ordered("id", bosToken, "type_id", 0));
        return ordered("type", "TemplateProcessing",
                "single", List.of(special, Map.of("Sequence", ordered("id", "A", "type_id", 0))),
                "pair", List.of(special, Map.of("Sequence", ordered("id", "A", "type_id", 0)), special, Map.of("Sequence", ordered("id", "B", "type_id", 1))),
                "special_tokens", Map.of(bosToken, ordered("id", bosToken, "ids", List.of(bos), "tokens", List.of(bosToken))));
    }

    private static Map<String, Object> bpe(Map<String, Integer> vocab, List<List<String>> merges, String unk, boolean byteFallback, boolean ignoreMerges) {
        return ordered("type", "BPE", "dropout", null, "unk_token", unk, "continuing_subword_prefix", null, "end_of_word_suffix", null,
                "fuse_unk", byteFallback, "byte_fallback", byteFallback, "ignore_merges", ignoreMerges, "vocab", vocab, "merges", merges);
    }

    /** Token → id; a string stored twice keeps its first id, as the engine's Vocabulary does. */
    private static Map<String, Integer> vocab(String[] tokens) {
        Map<String, Integer> v = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length; i++) v.putIfAbsent(tokens[i], i);
        return v;
    }

    private static List<Map<String, Object>> addedTokens(String[] tokens, int[] types) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (types == null) return out;
        for (int i = 0; i < tokens.length; i++) {
            int t = types[i];
            if (t != TokenType.CONTROL && t != TokenType.USER_DEFINED && t != TokenType.UNKNOWN) continue;
            out.add(ordered("id", i, "content", tokens[i], "single_word", false, "lstrip", false, "rstrip", false,
                    "normalized", t == TokenType.USER_DEFINED, "special", t != TokenType.USER_DEFINED));
        }
        return out;
    }

    /**
     * SentencePiece BPE keeps scores, not merges: a pair (a, b) merges when a + b is a normal
     * piece, and pairs forming higher-scored pieces merge first (llama.cpp's SPM tokenizer and
     * transformers' SentencePieceExtractor both order them so); ties by the ids of a and b.
     */
    static List<List<String>> sentencePieceMerges(String[] tokens, int[] types, float[] scores) {
        Map<String, Integer> ids = vocab(tokens);
        record Merge(String a, String b, float score, int ia, int ib) {}
        List<Merge> merges = new ArrayList<>();
        for (int id = 0; id < tokens.length; id++) {
            if (types != null && types[id] != TokenType.NORMAL) continue;
            String piece = tokens[id];
            for (int cut = piece.offsetByCodePoints(0, 1); cut < piece.length(); cut = piece.offsetByCodePoints(cut, 1)) {
                Integer a = ids.get(piece.substring(0, cut)), b = ids.get(piece.substring(cut));
                if (a != null && b != null) merges.add(new Merge(tokens[a], tokens[b], scores[id], a, b));
            }
        }
        merges.sort(Comparator.comparingDouble((Merge x) -> -x.score).thenComparingInt(Merge::ia).thenComparingInt(Merge::ib));
        return merges.stream().map(x -> List.of(x.a, x.b)).toList();
    }

    private static int id(GgufMetadata m, String key) {
        return m.optLong(P + key).map(v -> v >= 0 && v <= Integer.MAX_VALUE ? (int) (long) v : -1).orElse(-1);
    }

    private static int firstOfType(int[] types, int type) {
        if (types == null) return -1;
        for (int i = 0; i < types.length; i++) if (types[i] == type) return i;
        return -1;
    }

    /** A JSON object that keeps the order its keys are given in (and allows null values, unlike Map.of). */
    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
