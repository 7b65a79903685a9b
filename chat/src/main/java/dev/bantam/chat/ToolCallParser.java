package dev.bantam.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Takes the tool calls out of one reply while it streams: the text it returns from {@link #feed}
 * and {@link #finish} is the reply's content, with the calls (and the whitespace around them) left
 * out and held back until it is clear whether it is a call. A call whose JSON does not parse stays
 * in the content, as the model wrote it.
 */
public final class ToolCallParser {
    /** Llama 3.1's marker before a call of one of its built-in tools; it may precede a JSON call too. */
    private static final String PYTHON_TAG = "<|python_tag|>";

    private enum State { OUTSIDE, INSIDE_CALL, UNDECIDED, HOLDING_JSON, PLAIN }

    private final ToolCallSyntax syntax;
    private final StringBuilder held = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private State state;
    /** After a call: the whitespace that separates it from what follows is not content. */
    private boolean dropLeadingSpace;

    public ToolCallParser(ToolCallSyntax syntax, boolean toolsGiven) {
        this.syntax = syntax;
        this.state = switch (syntax.kind()) {
            case TAGGED -> State.OUTSIDE;
            // a bare JSON object is a call only when tools were offered: otherwise it is just JSON
            case BARE_JSON -> toolsGiven ? State.UNDECIDED : State.PLAIN;
            case NONE -> State.PLAIN;
        };
    }

    /** Adds generated text; returns the content that can be shown now. */
    public String feed(String text) {
        if (state == State.PLAIN) return show(text);
        held.append(text);
        return switch (state) {
            case OUTSIDE, INSIDE_CALL -> scanTagged();
            case UNDECIDED -> decideBareJson();
            default -> "";
        };
    }

    /** At the end of the reply: the content that was still held back. */
    public String finish() {
        String rest = switch (state) {
            case OUTSIDE -> dropLeadingSpace ? "" : held.toString();
            // a call the reply ended inside of (a token limit): what there is of it is content
            case INSIDE_CALL -> syntax.open() + held;
            case HOLDING_JSON -> bareJsonCalls() ? "" : held.toString();
            default -> held.toString();
        };
        held.setLength(0);
        state = State.PLAIN;
        return show(rest);
    }

    /** The reply's text without its calls. */
    public String content() { return content.toString(); }

    public List<ToolCall> calls() { return List.copyOf(calls); }

    private String scanTagged() {
        StringBuilder shown = new StringBuilder();
        while (true) {
            if (state == State.INSIDE_CALL) {
                int end = held.indexOf(syntax.close());
                if (end < 0) break;
                String body = held.substring(0, end);
                held.delete(0, end + syntax.close().length());
                state = State.OUTSIDE;
                ToolCall call = call(body.strip());
                if (call != null) {
                    calls.add(call);
                    dropLeadingSpace = true;
                } else {
                    shown.append(syntax.open()).append(body).append(syntax.close());
                }
                continue;
            }
            if (dropLeadingSpace) {
                int i = 0;
                while (i < held.length() && Character.isWhitespace(held.charAt(i))) i++;
                held.delete(0, i);
                if (held.isEmpty()) break;
                dropLeadingSpace = false;
            }
            int open = held.indexOf(syntax.open());
            if (open >= 0) {
                shown.append(held.substring(0, open).stripTrailing());
                held.delete(0, open + syntax.open().length());
                state = State.INSIDE_CALL;
                continue;
            }
            // hold back what may begin a marker, and the whitespace before it
            int keep = partialPrefixAtEnd(held, syntax.open());
            int cut = held.length() - keep;
            while (cut > 0 && Character.isWhitespace(held.charAt(cut - 1))) cut--;
            shown.append(held, 0, cut);
            held.delete(0, cut);
            break;
        }
        return show(shown.toString());
    }

    private String decideBareJson() {
        String start = held.toString().stripLeading();
        if (start.isEmpty()) return "";
        if (start.startsWith("{") || start.startsWith(PYTHON_TAG)) {
            state = State.HOLDING_JSON;
            return "";
        }
        if (PYTHON_TAG.startsWith(start)) return "";
        state = State.PLAIN;
        String all = held.toString();
        held.setLength(0);
        return show(all);
    }

    /** The held reply as a sequence of JSON calls (separated by whitespace or ';'), or false when it is not one. */
    private boolean bareJsonCalls() {
        String s = held.toString().strip();
        if (s.startsWith(PYTHON_TAG)) s = s.substring(PYTHON_TAG.length());
        List<ToolCall> found = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ';')) i++;
            if (i == s.length()) break;
            int end = JsonScan.objectEnd(s, i);
            if (end < 0) return false;
            ToolCall call = call(s.substring(i, end));
            if (call == null) return false;
            found.add(call);
            i = end;
        }
        if (found.isEmpty()) return false;
        calls.addAll(found);
        return true;
    }

    /** A call from its JSON {@code {"name": ..., "arguments" or "parameters": {...}}}, or null when it is not one. */
    private ToolCall call(String json) {
        Map<String, Object> object;
        try {
            object = Json.object(json, "tool call");
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!(object.get("name") instanceof String name) || name.isBlank()) return null;
        Object arguments = object.containsKey(syntax.argumentsKey()) ? object.get(syntax.argumentsKey())
                : object.containsKey("arguments") ? object.get("arguments") : object.get("parameters");
        String argumentsJson;
        if (arguments == null) {
            argumentsJson = "{}";
        } else if (arguments instanceof Map<?, ?> map) {
            argumentsJson = Json.write(map);
        } else if (arguments instanceof String text) {
            // some models write the arguments as a JSON string holding the object
            try {
                argumentsJson = Json.write(Json.object(text, "tool arguments"));
            } catch (IllegalArgumentException e) {
                return null;
            }
        } else {
            return null;
        }
        return new ToolCall(newId(), name, argumentsJson);
    }

    private String show(String text) {
        content.append(text);
        return text;
    }

    private static String newId() {
        return "call_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /** The length of the longest end of {@code s} that begins {@code marker} (shorter than the marker). */
    private static int partialPrefixAtEnd(CharSequence s, String marker) {
        for (int k = Math.min(marker.length() - 1, s.length()); k > 0; k--) {
            if (marker.regionMatches(0, s.toString(), s.length() - k, k)) return k;
        }
        return 0;
    }
}
