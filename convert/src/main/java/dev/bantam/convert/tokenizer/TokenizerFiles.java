package dev.bantam.convert.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.core.tokenizer.BytePairTokenizer;
import dev.bantam.core.tokenizer.PreTokenizer;
import dev.bantam.core.tokenizer.SpecialTokens;
import dev.bantam.core.tokenizer.TokenType;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.core.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Tokenizers from files other than GGUF: a Hugging Face {@code tokenizer.json} (BPE model) and
 * GPT-2's original {@code encoder.json} + {@code vocab.bpe}. Both build the same core classes as
 * the GGUF path, so the ids are the same for the same vocabulary.
 */
public final class TokenizerFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Candidates for EOS in a tokenizer.json, which does not name it; the first present wins. */
    private static final List<String> EOS_NAMES = List.of("<|endoftext|>", "<|end_of_text|>", "</s>", "<|im_end|>", "<|eot_id|>");

    private TokenizerFiles() {}

    /**
     * A Hugging Face tokenizer.json with a byte-level BPE model: vocab, merges ("a b" strings or
     * ["a", "b"] pairs), added tokens (special ones as control tokens, the others user-defined).
     */
    public static Tokenizer fromHuggingFaceJson(Path tokenizerJson) throws IOException {
        JsonNode root = JSON.readTree(tokenizerJson.toFile());
        String file = tokenizerJson.getFileName().toString();
        JsonNode model = root.path("model");
        String type = model.path("type").asText("");
        if (!type.equals("BPE")) {
            throw new IllegalArgumentException("%s: unsupported tokenizer model type '%s'; supported: BPE (byte-level)"
                    .formatted(file, type));
        }
        int size = 0;
        for (JsonNode v : model.path("vocab")) size = Math.max(size, v.asInt() + 1);
        for (JsonNode a : root.path("added_tokens")) size = Math.max(size, a.path("id").asInt() + 1);
        String[] tokens = new String[size];
        int[] types = new int[size];
        // Ids the file leaves out stay unused empty strings, so that ids keep their positions.
        Arrays.fill(tokens, "");
        Arrays.fill(types, TokenType.UNUSED);
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            tokens[e.getValue().asInt()] = e.getKey();
            types[e.getValue().asInt()] = TokenType.NORMAL;
        }
        for (JsonNode a : root.path("added_tokens")) {
            int id = a.path("id").asInt();
            tokens[id] = a.path("content").asText();
            types[id] = a.path("special").asBoolean(false) ? TokenType.CONTROL : TokenType.USER_DEFINED;
        }
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            if (m.isArray()) {
                merges.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            } else {
                merges.addAll(BytePairTokenizer.parseMerges(new String[] {m.asText()}));
            }
        }
        PreTokenizer pre = HuggingFacePreTokenizer.detect(root.path("pre_tokenizer"), file);
        Vocabulary vocab = new Vocabulary(tokens, types, null);
        int eos = EOS_NAMES.stream().mapToInt(vocab::id).filter(id -> id >= 0).findFirst().orElse(-1);
        int bos = HuggingFacePreTokenizer.templateBos(root.path("post_processor"), vocab);
        boolean addBos = bos >= 0;
        // Like llama.cpp's converter for GPT-2-style vocabularies: BOS is EOS when none is named.
        if (bos < 0) bos = eos;
        return new BytePairTokenizer(vocab, merges, pre, SpecialTokens.of(vocab, bos, eos, -1, addBos));
    }

    /** GPT-2's encoder.json (token → id) and vocab.bpe (a "#version" line, then merges in rank order). */
    public static Tokenizer fromGpt2Files(Path encoderJson, Path vocabBpe) throws IOException {
        JsonNode encoder = JSON.readTree(encoderJson.toFile());
        int size = 0;
        for (JsonNode v : encoder) size = Math.max(size, v.asInt() + 1);
        String[] tokens = new String[size];
        int[] types = new int[size];
        Arrays.fill(tokens, "");
        Arrays.fill(types, TokenType.UNUSED);
        for (Iterator<Map.Entry<String, JsonNode>> it = encoder.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt();
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
