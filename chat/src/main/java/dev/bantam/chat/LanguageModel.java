package dev.bantam.chat;

import dev.bantam.chat.template.ChatTemplate;
import dev.bantam.core.tokenizer.Tokenizer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A loaded model, ready to chat or complete text: what a Java program gets from {@link Bantam#load}.
 * It holds one KV cache; chats and completions take turns on it (one at a time, from any thread),
 * and each turn reuses whatever prefix of its tokens the cache already holds, so the next turn of
 * a chat computes only what was added to the conversation.
 */
public final class LanguageModel implements AutoCloseable {
    private final String name;
    private final TokenContext context;
    private final ChatFormat format;
    private final Object turnLock = new Object();

    LanguageModel(String name, TokenContext context, ChatFormat format) {
        this.name = name;
        this.context = context;
        this.format = format;
    }

    /** A new conversation, with no system prompt. */
    public ChatSession chat() {
        return new ChatSession(this, null);
    }

    public ChatSession chat(String systemPrompt) {
        return new ChatSession(this, systemPrompt);
    }

    /** The continuation of raw text (no chat template), with the default sampling options. */
    public String complete(String prompt) {
        return complete(prompt, SamplingOptions.DEFAULTS, text -> {}).text();
    }

    /** The continuation of raw text, streamed to {@code onText} as it is produced. */
    public Reply complete(String prompt, SamplingOptions sampling, Consumer<String> onText) {
        Tokenizer t = context.tokenizer();
        int[] tokens = t.encode(prompt, t.addBosByDefault(), true);
        synchronized (turnLock) {
            return Turn.run(context, tokens, sampling, Set.of(), List.of(), () -> false, onText);
        }
    }

    /**
     * The model's reply to a conversation given as the template reads it, for callers that build
     * their own messages (an HTTP server, an integration): tool calls and tool results in
     * {@code messages}, tool schemas in {@code tools} (or null), keyword arguments such as
     * {@code enable_thinking} in {@code templateArguments}. The assistant header is added.
     * Tool calls written in the template's syntax ({@link #toolCallSyntax()}) come back as
     * {@link Reply#toolCalls()}; {@code onText} and {@link Reply#text()} get the rest.
     *
     * @param cancelled polled once per token; true stops the reply
     */
    public Reply reply(List<? extends Map<String, ?>> messages, List<? extends Map<String, ?>> tools,
                       Map<String, ?> templateArguments, SamplingOptions sampling, BooleanSupplier cancelled,
                       Consumer<String> onText) {
        return reply(messages, tools, templateArguments, sampling, List.of(), cancelled, onText);
    }

    /**
     * {@link #reply(List, List, Map, SamplingOptions, BooleanSupplier, Consumer)} that also ends at
     * the caller's {@code stop} texts (an OpenAI {@code stop}, LangChain4j's stop sequences); the
     * reply does not include the stop text.
     */
    public Reply reply(List<? extends Map<String, ?>> messages, List<? extends Map<String, ?>> tools,
                       Map<String, ?> templateArguments, SamplingOptions sampling, List<String> stop,
                       BooleanSupplier cancelled, Consumer<String> onText) {
        List<String> stopTexts = new java.util.ArrayList<>(format.stopTexts());
        stopTexts.addAll(stop);
        int[] tokens = format.encode(format.template().render(messages, tools, true, templateArguments));
        ToolCallParser calls = format.toolCalls().parser(tools != null && !tools.isEmpty());
        Consumer<String> content = text -> {
            String shown = calls.feed(text);
            if (!shown.isEmpty()) onText.accept(shown);
        };
        Reply reply;
        synchronized (turnLock) {
            reply = Turn.run(context, tokens, sampling, format.stopTokens(), stopTexts, cancelled, content);
        }
        String rest = calls.finish();
        if (!rest.isEmpty()) onText.accept(rest);
        return reply.withToolCalls(calls.content(), calls.calls());
    }

    /** How this model's template writes tool calls (what {@link #reply} looks for in its replies). */
    public ToolCallSyntax toolCallSyntax() { return format.toolCalls(); }

    /** The text the model reads for {@code messages}. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return format.template().render(messages.stream().map(ChatMessage::toTemplateValue).toList(), addGenerationPrompt);
    }

    public ChatTemplate template() { return format.template(); }

    /** Set when the template is not the model's own (a GGUF without one gets ChatML): one line for the user. */
    public Optional<String> notice() { return format.notice(); }

    public Tokenizer tokenizer() { return context.tokenizer(); }

    public int contextSize() { return context.contextSize(); }

    /** The id of the backend it runs on. */
    public String backend() { return context.backend(); }

    /** The model's file name. */
    public String name() { return name; }

    @Override
    public void close() {
        synchronized (turnLock) {
            context.close();
        }
    }
}
