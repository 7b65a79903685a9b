package dev.bantam.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A conversation with a {@link LanguageModel}: each {@link #send} or {@link #stream} adds the
 * user's message and the model's reply. Only the new turn is computed; the model keeps the rest
 * in its KV cache. {@link #cancel()} may be called from any thread (a Ctrl-C handler).
 * <p>
 * With {@link #tools} set, the model may answer with {@link Reply#toolCalls()} (and
 * {@link FinishReason#TOOL_CALLS}); the caller runs them and sends their results back with
 * {@link #send(ChatMessage...)} and {@link ChatMessage#toolResult}, and the model goes on.
 */
public final class ChatSession {
    private final LanguageModel model;
    private final List<ChatMessage> messages = new ArrayList<>();
    private String systemPrompt;
    private SamplingOptions sampling = SamplingOptions.DEFAULTS;
    private List<Tool> tools = List.of();
    private volatile boolean cancelled;

    ChatSession(LanguageModel model, String systemPrompt) {
        this.model = model;
        this.systemPrompt = systemPrompt;
    }

    /** Sends a message and returns the whole reply. */
    public String send(String message) {
        return stream(message, text -> {}).text();
    }

    /**
     * Sends a message and streams the reply to {@code onText} as it is produced. A template that
     * rejects the conversation throws {@link dev.bantam.chat.template.ChatTemplateException}, and
     * the message is then not added.
     */
    public Reply stream(String message, Consumer<String> onText) {
        return stream(List.of(ChatMessage.user(message)), onText);
    }

    /** Sends messages (a user's, or the results of the last reply's tool calls) and returns the reply. */
    public Reply send(ChatMessage... messages) {
        return stream(List.of(messages), text -> {});
    }

    /**
     * Sends messages (a user's, or the results of the last reply's tool calls) and streams the
     * reply's content to {@code onText}; its tool calls come in the returned reply.
     */
    public Reply stream(List<ChatMessage> newMessages, Consumer<String> onText) {
        cancelled = false;
        List<Map<String, Object>> turn = new ArrayList<>(templateMessages());
        for (ChatMessage m : newMessages) turn.add(m.toTemplateValue());
        List<Map<String, Object>> toolValues = tools.isEmpty() ? null : tools.stream().map(Tool::toTemplateValue).toList();
        Reply reply = model.reply(turn, toolValues, Map.of(), sampling, () -> cancelled, onText);
        messages.addAll(newMessages);
        messages.add(ChatMessage.assistant(reply.text(), reply.toolCalls()));
        return reply;
    }

    /** Stops the reply being generated (it ends with what it has so far). */
    public void cancel() {
        cancelled = true;
    }

    /** Forgets the conversation (the system prompt stays). */
    public void reset() {
        messages.clear();
    }

    /** Sets the system prompt (null for none) for the turns that follow. */
    public void system(String prompt) {
        this.systemPrompt = prompt;
    }

    public String systemPrompt() { return systemPrompt; }

    public ChatSession sampling(SamplingOptions options) {
        this.sampling = java.util.Objects.requireNonNull(options, "options");
        return this;
    }

    public SamplingOptions sampling() { return sampling; }

    /** The functions the model may call in the turns that follow (none by default). */
    public ChatSession tools(List<Tool> tools) {
        this.tools = List.copyOf(tools);
        return this;
    }

    public List<Tool> tools() { return tools; }

    /** The conversation so far, system prompt first. */
    public List<ChatMessage> messages() {
        List<ChatMessage> all = new ArrayList<>();
        if (systemPrompt != null) all.add(ChatMessage.system(systemPrompt));
        all.addAll(messages);
        return List.copyOf(all);
    }

    private List<Map<String, Object>> templateMessages() {
        return messages().stream().map(ChatMessage::toTemplateValue).toList();
    }
}
