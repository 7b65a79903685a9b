package dev.bantam.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A function the model may call, given to the chat template (which writes it into the prompt).
 *
 * @param parameters the JSON schema of its arguments, as JSON-like maps and lists
 */
public record Tool(String name, String description, Map<String, ?> parameters) {
    public Tool {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) throw new IllegalArgumentException("a tool needs a name");
        parameters = parameters == null ? Map.of("type", "object", "properties", Map.of()) : parameters;
    }

    /** A tool whose argument schema is given as JSON text. */
    public static Tool of(String name, String description, String parametersSchema) {
        return new Tool(name, description, Json.object(parametersSchema, "the parameters of tool " + name));
    }

    /** The tool as chat templates read it: OpenAI's {@code {"type": "function", "function": {...}}}. */
    public Map<String, Object> toTemplateValue() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        if (description != null) function.put("description", description);
        function.put("parameters", parameters);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return tool;
    }
}
