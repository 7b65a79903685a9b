package dev.bantam.chat;

import dev.bantam.chat.template.ChatTemplate;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a chat template writes an assistant's tool call, and so how the model it was trained with
 * writes one. It is learned from the template itself, by rendering a conversation with one call
 * and looking at the text around the call's JSON:
 * <ul>
 *   <li>{@link Kind#TAGGED}: between markers that name a tool, such as Qwen3's and Hermes'
 *       {@code <tool_call>\n{"name": ..., "arguments": ...}\n</tool_call>} (several may follow each other);</li>
 *   <li>{@link Kind#BARE_JSON}: the JSON object alone as the turn's text, as Llama 3.1-3.3 write
 *       {@code {"name": ..., "parameters": ...}};</li>
 *   <li>{@link Kind#NONE}: the template writes no tool calls (or fails on one).</li>
 * </ul>
 *
 * @param open  the marker before a call ({@code TAGGED} only, else empty)
 * @param close the marker after it ({@code TAGGED} only, else empty)
 * @param argumentsKey the key the template writes the arguments under ({@code arguments} or {@code parameters})
 */
public record ToolCallSyntax(Kind kind, String open, String close, String argumentsKey) {
    public enum Kind { NONE, TAGGED, BARE_JSON }

    public static final ToolCallSyntax NONE = new ToolCallSyntax(Kind.NONE, "", "", "arguments");

    private static final String PROBE_NAME = "bantam_probe_call";
    private static final Pattern PROBE_CALL = Pattern.compile(
            "\\{\\s*\"name\"\\s*:\\s*\"" + PROBE_NAME + "\"\\s*,\\s*\"(arguments|parameters)\"\\s*:");
    /** A marker such as {@code <tool_call>}, {@code </tool_call>}, {@code <|tool_call_end|>} or {@code [TOOL_CALLS]}. */
    private static final Pattern MARKER = Pattern.compile("<[^<>\\s]{1,40}>|\\[[^\\[\\]\\s]{1,40}]");

    /** The syntax {@code template} renders a tool call in. */
    public static ToolCallSyntax of(ChatTemplate template) {
        String rendered;
        try {
            rendered = template.render(probeConversation(), List.of(probeTool()), false, Map.of());
        } catch (RuntimeException e) {
            return NONE; // a template that cannot render a call does not know them
        }
        Matcher call = PROBE_CALL.matcher(rendered);
        if (!call.find()) return NONE;
        String key = call.group(1);
        int end = JsonScan.objectEnd(rendered, call.start());
        if (end < 0) return NONE;
        String open = markerAtEnd(rendered.substring(0, call.start()).stripTrailing());
        String close = markerAtStart(rendered.substring(end).stripLeading());
        // a marker that names a tool opens a call; one that does not is the turn's header or end
        if (namesATool(open) && namesATool(close)) return new ToolCallSyntax(Kind.TAGGED, open, close, key);
        return new ToolCallSyntax(Kind.BARE_JSON, "", "", key);
    }

    /** A parser for one reply; {@code toolsGiven} says whether the request offered tools. */
    ToolCallParser parser(boolean toolsGiven) {
        return new ToolCallParser(this, toolsGiven);
    }

    private static boolean namesATool(String marker) {
        return marker != null && marker.toLowerCase(java.util.Locale.ROOT).contains("tool");
    }

    private static String markerAtEnd(String s) {
        String found = null;
        Matcher m = MARKER.matcher(s);
        int from = Math.max(0, s.length() - 48);
        while (m.find(from)) {
            if (m.end() == s.length()) found = m.group();
            from = m.start() + 1;
            if (from >= s.length()) break;
        }
        return found;
    }

    private static String markerAtStart(String s) {
        Matcher m = MARKER.matcher(s);
        return m.lookingAt() ? m.group() : null;
    }

    private static List<Map<String, Object>> probeConversation() {
        Map<String, Object> function = Map.of("name", PROBE_NAME, "arguments", Map.of("probe_argument", "probe_value"));
        Map<String, Object> call = Map.of("id", "call_probe", "type", "function", "function", function);
        return List.of(
                Map.of("role", "user", "content", "probe"),
                Map.of("role", "assistant", "content", "", "tool_calls", List.of(call)));
    }

    private static Map<String, Object> probeTool() {
        return new Tool("bantam_probe_tool", "probe", null).toTemplateValue();
    }
}
