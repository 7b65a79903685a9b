package dev.bantam.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a conversation: {@code system}, {@code user}, {@code assistant} (which may carry
 * tool calls) or {@code tool} (the result of one call, naming it by {@code toolCallId}).
 *
 * @param toolCalls  an assistant's calls (empty otherwise)
 * @param toolCallId a tool result's call (null otherwise)
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null);
    }

    public static ChatMessage system(String content) { return new ChatMessage("system", content); }
    public static ChatMessage user(String content) { return new ChatMessage("user", content); }
    public static ChatMessage assistant(String content) { return new ChatMessage("assistant", content); }

    /** An assistant's turn that asked for tool calls (its content may be empty). */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content == null ? "" : content, toolCalls, null);
    }

    /** The result of the call {@code toolCallId}, as the text the model is to read. */
    public static ChatMessage toolResult(String toolCallId, String content) {
        return new ChatMessage("tool", content, List.of(), Objects.requireNonNull(toolCallId, "toolCallId"));
    }

    /**
     * The message as a chat template reads it, in Hugging Face's shape: calls as
     * {@code {"id", "type": "function", "function": {"name", "arguments": {...}}}} with the arguments
     * as an object (templates write them with {@code tojson}), a tool result with its {@code tool_call_id}.
     */
    public Map<String, Object> toTemplateValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        if (!toolCalls.isEmpty()) m.put("tool_calls", toolCalls.stream().map(ChatMessage::templateCall).toList());
        if (toolCallId != null) m.put("tool_call_id", toolCallId);
        return m;
    }

    private static Map<String, Object> templateCall(ToolCall call) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        function.put("arguments", Json.object(call.arguments(), "the arguments of tool call " + call.id()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", call.id());
        m.put("type", "function");
        m.put("function", function);
        return m;
    }
}
