package dev.bantam.core.tokenizer;

import dev.bantam.core.json.JsonReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Tokenizers from files other than GGUF: a Hugging Face {@code tokenizer.json} (BPE model) and
 * GPT-2's original {@code encoder.json} + {@code vocab.bpe}. Both build the same core classes as
 * the GGUF path, so the ids are the same for the same vocabulary. Malformed JSON is a
 * {@link dev.bantam.core.json.JsonFormatException}; valid JSON that is not such a file is an
 * {@link IllegalArgumentException}; both say what is wrong in one line that names the file.
 */
public final class TokenizerFiles {
    /** Candidates for EOS in a tokenizer.json, which does not name it; the first present wins. */
    private static final List<String> EOS_NAMES = List.of("<|endoftext|>", "<|end_of_text|>", "</s>", "<|im_end|>", "<|eot_id|>");

    private TokenizerFiles() {}

    /**
     * A Hugging Face tokenizer.json with a byte-level BPE model: vocab, merges ("a b" strings or
     * ["a", "b"] pairs), added tokens (special ones as control tokens, the others user-defined).
     */
    public static Tokenizer fromHuggingFaceJson(Path tokenizerJson) throws IOException {
        try {
            return huggingFace(tokenizerJson);
        } catch (IllegalArgumentException e) {
            throw Tokenizers.inFile(tokenizerJson.getFileName().toString(), e);
        }
    }

    private static Tokenizer huggingFace(Path tokenizerJson) throws IOException {
        Object tree = JsonReader.read(tokenizerJson);
        TokenizerJson json = new TokenizerJson(tokenizerJson.getFileName().toString());
        Map<String, Object> root = json.object(tree, () -> "the document");
        Map<String, Object> model = json.object(root, "model", () -> "model");
        String type = json.string(model, "type", "", () -> "model.type");
        if (!type.equals("BPE")) {
            throw new IllegalArgumentException("%s: unsupported tokenizer model type '%s'; supported: BPE (byte-level)"
                    .formatted(json.file(), type));
        }
        Map<String, Object> vocabIds = json.object(model, "vocab", () -> "model.vocab");
        List<Object> added = json.array(root, "added_tokens", () -> "added_tokens");
        int size = 0;
        for (var e : vocabIds.entrySet()) size = Math.max(size, json.id(e.getValue(), () -> "model.vocab[\"" + e.getKey() + "\"]") + 1);
        for (int i = 0; i < added.size(); i++) size = Math.max(size, addedId(json, added, i) + 1);
        String[] tokens = new String[size];
        int[] types = new int[size];
        // Ids the file leaves out stay unused empty strings, so that ids keep their positions.
        Arrays.fill(tokens, "");
        Arrays.fill(types, TokenType.UNUSED);
        for (var e : vocabIds.entrySet()) {
            int id = json.id(e.getValue(), () -> "model.vocab");
            tokens[id] = e.getKey();
            types[id] = TokenType.NORMAL;
        }
        for (int i = 0; i < added.size(); i++) {
            int at = i;
            Map<String, Object> a = json.object(added.get(i), () -> "added_tokens[" + at + "]");
            int id = addedId(json, added, i);
            tokens[id] = json.string(a, "content", "", () -> "added_tokens[" + at + "].content");
            types[id] = json.bool(a, "special", false, () -> "added_tokens[" + at + "].special") ? TokenType.CONTROL : TokenType.USER_DEFINED;
        }
        List<String[]> merges = merges(json, json.array(model, "merges", () -> "model.merges"));
        PreTokenizer pre = HuggingFacePreTokenizer.detect(json, root.get("pre_tokenizer"), "pre_tokenizer");
        Vocabulary vocab = new Vocabulary(tokens, types, null);
        int eos = EOS_NAMES.stream().mapToInt(vocab::id).filter(id -> id >= 0).findFirst().orElse(-1);
        int bos = HuggingFacePreTokenizer.templateBos(json, root.get("post_processor"), vocab);
        boolean addBos = bos >= 0;
        // Like llama.cpp's converter for GPT-2-style vocabularies: BOS is EOS when none is named.
        if (bos < 0) bos = eos;
        return new BytePairTokenizer(vocab, merges, pre, SpecialTokens.of(vocab, bos, eos, -1, addBos));
    }

    private static int addedId(TokenizerJson json, List<Object> added, int i) {
        Map<String, Object> a = json.object(added.get(i), () -> "added_tokens[" + i + "]");
        return json.id(a.get("id"), () -> "added_tokens[" + i + "].id");
    }

    /** Merges in rank order, each written as a pair {@code ["a", "b"]} or a string {@code "a b"}. */
    private static List<String[]> merges(TokenizerJson json, List<Object> entries) {
        List<String[]> merges = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            int at = i;
            Object m = entries.get(i);
            if (m instanceof List<?> pair) {
                if (pair.size() != 2) {
                    throw new IllegalArgumentException("%s: model.merges[%d]: expected a pair of tokens, found %d elements".formatted(json.file(), i, pair.size()));
                }
                merges.add(new String[] {json.string(pair.get(0), () -> "model.merges[" + at + "][0]"), json.string(pair.get(1), () -> "model.merges[" + at + "][1]")});
            } else {
                merges.addAll(BytePairTokenizer.parseMerges(new String[] {json.string(m, () -> "model.merges[" + at + "]")}));
            }
        }
        return merges;
    }

    /** GPT-2's encoder.json (token → id) and vocab.bpe (a "#version" line, then merges in rank order). */
    public static Tokenizer fromGpt2Files(Path encoderJson, Path vocabBpe) throws IOException {
        try {
            return gpt2(encoderJson, vocabBpe);
        } catch (IllegalArgumentException e) {
            throw Tokenizers.inFile(encoderJson.getFileName() + " + " + vocabBpe.getFileName(), e);
        }
    }

    private static Tokenizer gpt2(Path encoderJson, Path vocabBpe) throws IOException {
        TokenizerJson json = new TokenizerJson(encoderJson.getFileName().toString());
        Map<String, Object> encoder = json.object(JsonReader.read(encoderJson), () -> "the document");
        int size = 0;
        for (var e : encoder.entrySet()) size = Math.max(size, json.id(e.getValue(), () -> "\"" + e.getKey() + "\"") + 1);
        String[] tokens = new String[size];
        int[] types = new int[size];
        Arrays.fill(tokens, "");
        Arrays.fill(types, TokenType.UNUSED);
        for (var e : encoder.entrySet()) {
            int id = json.id(e.getValue(), () -> "the document");
            tokens[id] = e.getKey();
            // GPT-2's only special token; written in text it is that token, as in tiktoken's r50k.
            types[id] = e.getKey().equals("<|endoftext|>") ? TokenType.CONTROL : TokenType.NORMAL;
        }
        List<String> lines = Files.readAllLines(vocabBpe, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#version"))
                .toList();
        List<String[]> merges = BytePairTokenizer.parseMerges(lines.toArray(String[]::new));
        Vocabulary vocab = new Vocabulary(tokens, types, null);
        int eot = vocab.id("<|endoftext|>");
        return new BytePairTokenizer(vocab, merges, PreTokenizer.GPT2, SpecialTokens.of(vocab, eot, eot, -1, false));
    }
}
