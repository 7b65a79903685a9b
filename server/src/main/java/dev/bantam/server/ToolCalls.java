package dev.bantam.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tool calls in a finished reply, in the Hermes/Qwen3 syntax that their templates teach:
 * {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}. The seam where the chat API's
 * own parser (being written for the langchain4j module) takes over when it lands.
 *
 * @param content the reply's text outside the tool-call blocks (trimmed), or null when empty
 */
record ToolCalls(String content, List<Call> calls) {
    private static final Pattern BLOCK = Pattern.compile("<tool_call>\\s*(\\{.*?})\\s*</tool_call>", Pattern.DOTALL);

    /** @param arguments the arguments as a JSON string, as OpenAI returns them */
    record Call(String name, String arguments) {}

    /** The calls in {@code reply}; none when a block is not a JSON object with a string {@code name}. */
    static ToolCalls parse(String reply, ObjectMapper json) {
        List<Call> calls = new ArrayList<>();
        Matcher m = BLOCK.matcher(reply);
        StringBuilder rest = new StringBuilder();
        int last = 0;
        while (m.find()) {
            try {
                JsonNode call = json.readTree(m.group(1));
                if (!call.path("name").isTextual()) return new ToolCalls(reply, List.of());
                JsonNode args = call.get("arguments");
                calls.add(new Call(call.get("name").textValue(), args == null ? "{}" : args.isTextual() ? args.textValue() : json.writeValueAsString(args)));
            } catch (java.io.IOException e) {
                return new ToolCalls(reply, List.of());
            }
            rest.append(reply, last, m.start());
            last = m.end();
        }
        rest.append(reply.substring(last));
        String content = rest.toString().strip();
        return new ToolCalls(content.isEmpty() ? null : content, calls);
    }
}
