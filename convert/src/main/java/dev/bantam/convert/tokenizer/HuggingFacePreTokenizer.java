package dev.bantam.convert.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.tokenizer.PreTokenizer;
import dev.bantam.core.tokenizer.Vocabulary;

/** Reads the parts of a tokenizer.json that choose the pre-tokenizer and the BOS token. */
final class HuggingFacePreTokenizer {
    private HuggingFacePreTokenizer() {}

    /**
     * GPT-2's regex for a plain ByteLevel pre-tokenizer (and by default); Llama 3's or Qwen 2's
     * when a Split step carries their pattern (told apart by how digits are grouped).
     */
    static PreTokenizer detect(JsonNode pre, String file) {
        if (pre.isMissingNode() || pre.isNull()) return PreTokenizer.GPT2;
        String type = pre.path("type").asText("");
        if (type.equals("ByteLevel") && pre.path("add_prefix_space").asBoolean(false)) {
            throw new IllegalArgumentException(file + ": ByteLevel pre-tokenizer with add_prefix_space is not supported");
        }
        if (type.equals("Sequence")) {
            for (JsonNode step : pre.path("pretokenizers")) {
                PreTokenizer p = detect(step, file);
                if (p != PreTokenizer.GPT2) return p;
            }
            return PreTokenizer.GPT2;
        }
        if (type.equals("Split")) {
            String regex = pre.path("pattern").path("Regex").asText("");
            if (regex.contains("\\p{N}{1,3}")) return PreTokenizer.LLAMA3;
            if (regex.contains("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+") && regex.contains("\\p{N}")) return PreTokenizer.QWEN2;
        }
        return PreTokenizer.GPT2;
    }

    /** The special token that a TemplateProcessing post-processor puts before the text, or -1. */
    static int templateBos(JsonNode post, Vocabulary vocab) {
        if (!post.path("type").asText("").equals("TemplateProcessing")) return -1;
        JsonNode first = post.path("single").path(0).path("SpecialToken");
        return first.isMissingNode() ? -1 : vocab.id(first.path("id").asText(""));
    }
}
