package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.bantam.core.gguf.GgufValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The special-token ids, add-BOS/EOS flags and chat templates of a Hugging Face tokenizer, read
 * as llama.cpp's {@code gguf.SpecialVocab} reads them: a token named in {@code tokenizer_config.json}
 * ({@code bos_token}, a string or {@code {"content": ...}}) is looked up among tokenizer.json's
 * added tokens; what is still unknown comes from {@code config.json}'s {@code *_token_id}. The
 * add-BOS/EOS flags come from tokenizer_config.json, else from tokenizer.json's
 * TemplateProcessing post-processor (how Llama 3 says it adds {@code <|begin_of_text|>}).
 */
final class SpecialTokenSettings {
    /** Hugging Face's name → the GGUF key (llama.cpp spells "seperator"). */
    private static final Map<String, String> KEYS = orderedKeys();

    private SpecialTokenSettings() {}

    private static Map<String, String> orderedKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bos", "bos_token_id");
        m.put("eos", "eos_token_id");
        m.put("unk", "unknown_token_id");
        m.put("sep", "seperator_token_id");
        m.put("pad", "padding_token_id");
        m.put("cls", "cls_token_id");
        m.put("mask", "mask_token_id");
        return m;
    }

    /**
     * The {@code tokenizer.ggml.*_token_id}, {@code add_bos_token}/{@code add_eos_token} and
     * {@code tokenizer.chat_template*} keys.
     *
     * @param config null when converting a vocabulary alone
     */
    static Map<String, GgufValue> read(Path dir, JsonNode tokenizerJson, HfConfig config, int vocabSize) throws IOException {
        JsonNode tc = readJson(dir.resolve("tokenizer_config.json"));
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String typ : KEYS.keySet()) {
            JsonNode entry = tc.path(typ + "_token");
            String content = entry.isTextual() ? entry.asText() : entry.path("content").isTextual() ? entry.path("content").asText() : null;
            if (content == null) continue;
            for (JsonNode a : tokenizerJson.path("added_tokens")) {
                if (a.path("content").asText().equals(content)) {
                    ids.put(typ, a.path("id").asInt());
                    break;
                }
            }
        }
        if (config != null) {
            for (String typ : KEYS.keySet()) {
                JsonNode id = config.node(typ + "_token_id");
                // a list (several EOS ids) says nothing llama.cpp can store: skipped, as there
                if (id.isIntegralNumber() && id.asInt() >= 0 && id.asInt() < vocabSize) ids.putIfAbsent(typ, id.asInt());
            }
        }
        Map<String, GgufValue> out = new LinkedHashMap<>();
        for (var e : KEYS.entrySet()) {
            Integer id = ids.get(e.getKey());
            if (id != null && id < vocabSize) out.put("tokenizer.ggml." + e.getValue(), GgufValue.ofU32(id));
        }
        JsonNode template = templateProcessing(tokenizerJson.path("post_processor"));
        Boolean addBos = flag(tc, "add_bos_token", template, true), addEos = flag(tc, "add_eos_token", template, false);
        if (addBos != null) out.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(addBos));
        if (addEos != null) out.put("tokenizer.ggml.add_eos_token", GgufValue.ofBool(addEos));
        chatTemplates(dir, tc, out);
        return out;
    }

    private static Boolean flag(JsonNode tc, String key, JsonNode template, boolean first) {
        if (tc.path(key).isBoolean()) return tc.path(key).asBoolean();
        JsonNode single = template.path("single");
        if (!single.isArray() || single.isEmpty()) return null;
        JsonNode end = first ? single.get(0) : single.get(single.size() - 1);
        return end.has("SpecialToken") ? Boolean.TRUE : null;
    }

    /** The TemplateProcessing step of a post-processor (alone or inside a Sequence), or a missing node. */
    private static JsonNode templateProcessing(JsonNode post) {
        if (post.path("type").asText("").equals("TemplateProcessing")) return post;
        for (JsonNode p : post.path("processors")) {
            JsonNode t = templateProcessing(p);
            if (!t.isMissingNode()) return t;
        }
        return MissingNode.getInstance();
    }

    /**
     * {@code chat_template} of tokenizer_config.json (a string, or named templates: "default" becomes
     * {@code tokenizer.chat_template}, the others {@code tokenizer.chat_template.NAME}), else the
     * {@code chat_template.jinja} file that newer transformers save beside it.
     */
    private static void chatTemplates(Path dir, JsonNode tc, Map<String, GgufValue> out) throws IOException {
        JsonNode t = tc.path("chat_template");
        if (t.isTextual()) {
            out.put("tokenizer.chat_template", GgufValue.of(t.asText()));
        } else if (t.isArray()) {
            java.util.List<String> names = new java.util.ArrayList<>();
            for (JsonNode named : t) {
                String name = named.path("name").asText(""), text = named.path("template").asText(null);
                if (text == null || name.isEmpty()) continue;
                if (name.equals("default")) {
                    out.put("tokenizer.chat_template", GgufValue.of(text));
                } else {
                    out.put("tokenizer.chat_template." + name, GgufValue.of(text));
                    names.add(name);
                }
            }
            if (!names.isEmpty()) out.put("tokenizer.chat_templates", GgufValue.ofArray(dev.bantam.core.gguf.GgufValue.GgufArray.ofStrings(names)));
        } else if (Files.isRegularFile(dir.resolve("chat_template.jinja"))) {
            out.put("tokenizer.chat_template", GgufValue.of(Files.readString(dir.resolve("chat_template.jinja"))));
        }
    }

    static JsonNode readJson(Path p) throws HfFormatException {
        if (!Files.isRegularFile(p)) return MissingNode.getInstance();
        try {
            JsonNode n = new ObjectMapper().readTree(p.toFile());
            if (n == null) return MissingNode.getInstance();
            // every file read here (tokenizer.json, tokenizer_config.json, ...) is one object of settings
            if (!n.isObject()) throw new HfFormatException("%s: expected a JSON object, found %s".formatted(p, n.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
            return n;
        } catch (IOException e) {
            throw new HfFormatException(p + ": not valid JSON: " + dev.bantam.core.format.ModelFormatException.parserMessage(e.getMessage()));
        }
    }
}
