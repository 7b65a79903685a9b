package dev.bantam.core.tokenizer;

import java.util.List;
import java.util.Map;

/** Reads the parts of a tokenizer.json that choose the pre-tokenizer and the BOS token. */
final class HuggingFacePreTokenizer {
    private HuggingFacePreTokenizer() {}

    /**
     * GPT-2's regex for a plain ByteLevel pre-tokenizer (and by default); Llama 3's or Qwen 2's
     * when a Split step carries their pattern (told apart by how digits are grouped).
     *
     * @param pre  the {@code pre_tokenizer} member (or a step of a Sequence); null when absent
     * @param path where it is in the file, for errors
     */
    static PreTokenizer detect(TokenizerJson json, Object pre, String path) {
        if (pre == null) return PreTokenizer.GPT2;
        Map<String, Object> p = json.object(pre, () -> path);
        String type = json.string(p, "type", "", () -> path + ".type");
        if (type.equals("ByteLevel") && json.bool(p, "add_prefix_space", false, () -> path + ".add_prefix_space")) {
            throw new IllegalArgumentException(json.file() + ": ByteLevel pre-tokenizer with add_prefix_space is not supported");
        }
        if (type.equals("Sequence")) {
            List<Object> steps = json.array(p, "pretokenizers", () -> path + ".pretokenizers");
            for (int i = 0; i < steps.size(); i++) {
                PreTokenizer step = detect(json, steps.get(i), path + ".pretokenizers[" + i + "]");
                if (step != PreTokenizer.GPT2) return step;
            }
            return PreTokenizer.GPT2;
        }
        if (type.equals("Split")) {
            Map<String, Object> pattern = json.object(p, "pattern", () -> path + ".pattern");
            String regex = json.string(pattern, "Regex", "", () -> path + ".pattern.Regex");
            if (regex.contains("\\p{N}{1,3}")) return PreTokenizer.LLAMA3;
            if (regex.contains("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+") && regex.contains("\\p{N}")) return PreTokenizer.QWEN2;
        }
        return PreTokenizer.GPT2;
    }

    /** The special token that a TemplateProcessing post-processor puts before the text, or -1 ({@code post} null when absent). */
    static int templateBos(TokenizerJson json, Object post, Vocabulary vocab) {
        if (post == null) return -1;
        Map<String, Object> p = json.object(post, () -> "post_processor");
        if (!json.string(p, "type", "", () -> "post_processor.type").equals("TemplateProcessing")) return -1;
        List<Object> single = json.array(p, "single", () -> "post_processor.single");
        if (single.isEmpty()) return -1;
        Map<String, Object> first = json.object(single.getFirst(), () -> "post_processor.single[0]");
        if (first.get("SpecialToken") == null) return -1;
        Map<String, Object> special = json.object(first.get("SpecialToken"), () -> "post_processor.single[0].SpecialToken");
        return vocab.id(json.string(special, "id", "", () -> "post_processor.single[0].SpecialToken.id"));
    }
}
