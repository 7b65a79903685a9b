package dev.bantam.chat;

import dev.bantam.chat.template.ChatTemplate;
import dev.bantam.core.gguf.GgufMetadata;
import dev.bantam.core.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a model reads a conversation: its chat template (or ChatML when the file has none), how the
 * rendered text becomes tokens, and what ends the model's turn.
 *
 * @param notice     the one line to tell the user when the template is not the model's own
 * @param stopTokens end-of-turn tokens of this template that the tokenizer does not already stop at
 * @param stopTexts  end-of-turn markers the vocabulary has no single token for
 * @param toolCalls  how the template writes tool calls, and so how replies are searched for them
 */
public record ChatFormat(ChatTemplate template, Optional<String> notice, Set<Integer> stopTokens, List<String> stopTexts,
                         Tokenizer tokenizer, ToolCallSyntax toolCalls) {
    public static final String TEMPLATE_KEY = "tokenizer.chat_template";

    /** Markers that end a turn in the common template families (ChatML, Llama 3, Gemma, Phi, Mistral, Command-R). */
    private static final List<String> END_OF_TURN = List.of("<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<end_of_turn>",
            "<|end|>", "<|endoftext|>", "</s>", "<|END_OF_TURN_TOKEN|>");

    /** @param metadata the GGUF's metadata, or null where the model is not a GGUF file */
    public static ChatFormat of(GgufMetadata metadata, String fileName, Tokenizer tokenizer) {
        String bos = tokenizer.bosId() >= 0 ? tokenizer.piece(tokenizer.bosId()) : "";
        String eos = tokenizer.eosId() >= 0 ? tokenizer.piece(tokenizer.eosId()) : "";
        Optional<String> source = metadata == null ? Optional.empty() : metadata.optString(TEMPLATE_KEY).filter(s -> !s.isBlank());
        ChatTemplate template = source.map(s -> ChatTemplate.of(s, bos, eos)).orElseGet(() -> ChatTemplate.chatMl(bos, eos));
        Optional<String> notice = source.isPresent() ? Optional.empty()
                : Optional.of(fileName + " has no chat template (" + TEMPLATE_KEY + "); using ChatML");

        Set<String> markers = new LinkedHashSet<>();
        for (String m : END_OF_TURN) if (template.source().contains(m)) markers.add(m);
        if (!eos.isEmpty()) markers.add(eos);
        // a model that was not tuned on ChatML may go on to write the next turn's header itself
        if (source.isEmpty()) markers.add("<|im_start|>");
        Set<Integer> stopTokens = new LinkedHashSet<>();
        List<String> stopTexts = new ArrayList<>();
        for (String m : markers) {
            int[] ids = tokenizer.encode(m, false, true);
            if (ids.length == 1 && tokenizer.piece(ids[0]).equals(m)) stopTokens.add(ids[0]);
            else stopTexts.add(m);
        }
        return new ChatFormat(template, notice, Set.copyOf(stopTokens), List.copyOf(stopTexts), tokenizer,
                ToolCallSyntax.of(template));
    }

    /**
     * The tokens of a rendered conversation. Control tokens written in it are read as such; BOS is
     * added where the model wants one and the template did not write it (llama.cpp's rule).
     */
    public int[] encode(String rendered) {
        String bos = template.bosToken();
        boolean addBos = tokenizer.addBosByDefault() && tokenizer.bosId() >= 0 && (bos.isEmpty() || !rendered.startsWith(bos));
        return tokenizer.encode(rendered, addBos, true);
    }
}
