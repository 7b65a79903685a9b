package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.core.tokenizer.TokenizerFiles;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufValue.GgufArray;
import dev.bantam.core.gguf.GgufValueType;
import dev.bantam.core.tokenizer.BytePairTokenizer;
import dev.bantam.core.tokenizer.PreTokenizer;
import dev.bantam.core.tokenizer.TokenType;
import dev.bantam.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.bantam.core.format.ModelFormatException.quote;

/**
 * The {@code tokenizer.*} keys of a GGUF file, from a Hugging Face {@code tokenizer.json} (plus
 * tokenizer_config.json and config.json for the special tokens, {@link SpecialTokenSettings}).
 * Two kinds of BPE model are converted:
 * <ul>
 *   <li>byte-level BPE (GPT-2, Llama 3, Qwen): {@code tokenizer.ggml.model = gpt2}, the merges and
 *       the pre-tokenizer, which {@link TokenizerFiles} recognizes;</li>
 *   <li>SentencePiece-style BPE with byte fallback (Gemma 3, Llama 2, Phi-3): {@code model = llama}.
 *       GGUF's SentencePiece merges the pair whose result has the highest score, Hugging Face
 *       the pair with the lowest merge rank, so a piece's score is minus the rank of the first
 *       merge that makes it: the same choice at every step.</li>
 * </ul>
 * Tokens and types follow llama.cpp's converter: ids the file leaves out become {@code [PAD<id>]}
 * (unused), added tokens are control tokens when special (or when they look special, such as
 * {@code <|...|>} and Gemma's {@code <unusedN>}), user-defined otherwise.
 */
public final class HfVocabulary {
    private HfVocabulary() {}

    /**
     * @param config    config.json, or null for a vocabulary alone
     * @param vocabSize the embedding's rows (config.json's vocab_size); -1 for the tokenizer's own size
     */
    public static Map<String, GgufValue> read(Path dir, HfConfig config, int vocabSize) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new HfFormatException(file + ": not valid JSON: " + dev.bantam.core.format.ModelFormatException.parserMessage(e.getMessage()));
        }
        JsonNode model = root.path("model");
        String type = model.path("type").asText("");
        if (!type.equals("BPE")) {
            throw new HfFormatException("%s: tokenizer model type '%s' is not supported; supported: BPE (byte-level, or SentencePiece-style with byte_fallback)"
                    .formatted(file, quote(type)));
        }
        boolean sentencePiece = model.path("byte_fallback").asBoolean(false) || usesMetaspace(root);

        Map<Integer, String> byId = new HashMap<>();
        Set<Integer> added = new HashSet<>(), special = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            byId.put(e.getValue().asInt(), e.getKey());
        }
        for (JsonNode a : root.path("added_tokens")) {
            int id = a.path("id").asInt();
            byId.put(id, a.path("content").asText());
            added.add(id);
            if (a.path("special").asBoolean(false)) special.add(id);
        }
        int needed = byId.keySet().stream().mapToInt(i -> i + 1).max().orElse(0);
        if (byId.keySet().stream().anyMatch(i -> i < 0)) throw new HfFormatException(file + ": negative token id");
        if (vocabSize >= 0 && vocabSize < needed) {
            throw new HfFormatException("%s: %d tokens, but config.json's vocab_size is %d".formatted(file, needed, vocabSize));
        }
        int size = Math.max(needed, vocabSize);
        String unk = model.path("unk_token").asText(null);

        String[] tokens = new String[size];
        int[] types = new int[size];
        for (int id = 0; id < size; id++) {
            String t = byId.get(id);
            if (t == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = TokenType.UNUSED;
            } else {
                tokens[id] = t;
                types[id] = typeOf(t, added.contains(id), special.contains(id), sentencePiece, unk);
            }
        }
        Map<String, GgufValue> out = new LinkedHashMap<>();
        List<String[]> merges = merges(model.path("merges"), file);
        if (sentencePiece) {
            out.put("tokenizer.ggml.model", GgufValue.of("llama"));
            out.put("tokenizer.ggml.pre", GgufValue.of("default"));
            out.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(Arrays.asList(tokens))));
            out.put("tokenizer.ggml.scores", GgufValue.ofArray(new GgufArray(GgufValueType.FLOAT32, scores(tokens, types, merges))));
            out.put("tokenizer.ggml.token_type", GgufValue.ofArray(new GgufArray(GgufValueType.INT32, types)));
            out.put("tokenizer.ggml.add_space_prefix", GgufValue.ofBool(addsSpacePrefix(root)));
        } else {
            out.put("tokenizer.ggml.model", GgufValue.of("gpt2"));
            out.put("tokenizer.ggml.pre", GgufValue.of(preTokenizer(file, root).ggufNames().getFirst()));
            out.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(Arrays.asList(tokens))));
            out.put("tokenizer.ggml.token_type", GgufValue.ofArray(new GgufArray(GgufValueType.INT32, types)));
            List<String> lines = new ArrayList<>(merges.size());
            for (String[] m : merges) lines.add(m[0] + " " + m[1]);
            out.put("tokenizer.ggml.merges", GgufValue.ofArray(GgufArray.ofStrings(lines)));
        }
        out.putAll(SpecialTokenSettings.read(dir, root, config, size));
        return out;
    }

    private static int typeOf(String token, boolean added, boolean special, boolean sentencePiece, String unk) {
        if (sentencePiece && token.equals(unk)) return TokenType.UNKNOWN;
        if (added) return special || looksSpecial(token) ? TokenType.CONTROL : TokenType.USER_DEFINED;
        if (sentencePiece && token.length() == 6 && token.matches("<0x[0-9A-Fa-f]{2}>")) return TokenType.BYTE;
        return TokenType.NORMAL;
    }

    /** llama.cpp's does_token_look_special: added tokens some models forget to mark special. */
    private static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || (t.startsWith("<|") && t.endsWith("|>")) || (t.startsWith("<｜") && t.endsWith("｜>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }

    /** Merges as pairs: "a b" strings (older files) or ["a", "b"] arrays (transformers ≥ 4.45). */
    private static List<String[]> merges(JsonNode merges, Path file) throws HfFormatException {
        List<String[]> out = new ArrayList<>(merges.size());
        for (JsonNode m : merges) {
            if (m.isArray() && m.size() == 2) {
                out.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            } else if (m.isTextual()) {
                int sp = m.asText().indexOf(' ', 1);
                if (sp < 0) throw new HfFormatException(file + ": merge rule without a space: '" + m.asText() + "'");
                out.add(new String[] {m.asText().substring(0, sp), m.asText().substring(sp + 1)});
            } else {
                throw new HfFormatException(file + ": merge rule " + m + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
        }
        return out;
    }

    /**
     * Score = −(rank of the first merge producing the piece), so that highest-score-first equals
     * lowest-rank-first. Pieces no merge produces (single characters, bytes, control tokens) score 0:
     * merging never forms a single character, and control tokens are matched before merging. A
     * multi-character piece that no merge produces, which Hugging Face can never emit, scores below
     * every merge.
     */
    private static float[] scores(String[] tokens, int[] types, List<String[]> merges) {
        Map<String, Integer> rank = HashMap.newHashMap(merges.size());
        for (int r = 0; r < merges.size(); r++) rank.putIfAbsent(merges.get(r)[0] + merges.get(r)[1], r);
        float[] s = new float[tokens.length];
        for (int id = 0; id < tokens.length; id++) {
            Integer r = rank.get(tokens[id]);
            if (r != null) s[id] = -r;
            else if (mergeable(types[id]) && tokens[id].codePointCount(0, tokens[id].length()) > 1) s[id] = -(float) (merges.size() + id);
        }
        return s;
    }

    private static boolean mergeable(int type) {
        return type == TokenType.NORMAL || type == TokenType.USER_DEFINED;
    }

    private static boolean usesMetaspace(JsonNode root) {
        return root.path("pre_tokenizer").toString().contains("\"Metaspace\"") || root.path("decoder").toString().contains("\"Metaspace\"");
    }

    /**
     * Whether a {@code ▁} is put before the text: a Prepend normalizer (Llama 2's files) or a
     * Metaspace pre-tokenizer whose prepend_scheme is not "never". Gemma 3 does neither.
     */
    private static boolean addsSpacePrefix(JsonNode root) {
        if (root.path("normalizer").toString().contains("\"Prepend\"")) return true;
        JsonNode meta = find(root.path("pre_tokenizer"), "Metaspace");
        if (meta == null) return false;
        if (meta.has("prepend_scheme")) return !meta.path("prepend_scheme").asText().equals("never");
        return meta.path("add_prefix_space").asBoolean(true);
    }

    private static JsonNode find(JsonNode n, String type) {
        if (n.path("type").asText("").equals(type)) return n;
        for (JsonNode step : n.path("pretokenizers")) {
            JsonNode f = find(step, type);
            if (f != null) return f;
        }
        return null;
    }

    /**
     * The pre-tokenizer that {@link TokenizerFiles} finds for this file. It falls back to GPT-2's
     * regex for a Split pattern it does not know; written into a GGUF that would split text
     * differently from the model's own tokenizer without a word, so such a file is refused.
     */
    private static PreTokenizer preTokenizer(Path file, JsonNode root) throws HfFormatException {
        PreTokenizer pre;
        try {
            Tokenizer t = TokenizerFiles.fromHuggingFaceJson(file);
            pre = ((BytePairTokenizer) t).preTokenizer();
        } catch (IOException | IllegalArgumentException e) {
            throw new HfFormatException(e.getMessage());
        }
        if (pre == PreTokenizer.GPT2) {
            for (String regex : splitRegexes(root.path("pre_tokenizer"), new ArrayList<>())) {
                if (!regex.equals(PreTokenizer.GPT2.regex())) {
                    throw new HfFormatException("%s: pre-tokenizer regex '%s' is not one GGUF names; supported: %s"
                            .formatted(file, quote(regex), PreTokenizer.supportedNames()));
                }
            }
        }
        return pre;
    }

    private static List<String> splitRegexes(JsonNode pre, List<String> out) {
        if (pre.path("type").asText("").equals("Split") && pre.path("pattern").has("Regex")) out.add(pre.path("pattern").path("Regex").asText());
        for (JsonNode step : pre.path("pretokenizers")) splitRegexes(step, out);
        return out;
    }
}
