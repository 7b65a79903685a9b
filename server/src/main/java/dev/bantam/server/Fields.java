package dev.bantam.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** Typed, range-checked reads of a request body's fields; a bad one is a 400 naming it. */
final class Fields {
    private final ObjectNode body;

    Fields(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        this.body = (ObjectNode) body;
    }

    boolean has(String name) {
        JsonNode n = body.get(name);
        return n != null && !n.isNull();
    }

    JsonNode node(String name) { return has(name) ? body.get(name) : null; }

    String string(String name, String fallback) {
        if (!has(name)) return fallback;
        JsonNode n = body.get(name);
        if (!n.isTextual()) throw ApiError.invalid(name, "'" + name + "' must be a string, got " + kind(n));
        return n.textValue();
    }

    boolean bool(String name, boolean fallback) {
        if (!has(name)) return fallback;
        JsonNode n = body.get(name);
        if (!n.isBoolean()) throw ApiError.invalid(name, "'" + name + "' must be a boolean, got " + kind(n));
        return n.booleanValue();
    }

    /** An integer in {@code [min, max]}, or {@code fallback} when absent. */
    int integer(String name, int fallback, int min, int max) {
        if (!has(name)) return fallback;
        JsonNode n = body.get(name);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw ApiError.invalid(name, "'" + name + "' must be an integer, got " + kind(n));
        int v = n.intValue();
        if (v < min || v > max) throw ApiError.invalid(name, "'%s' must be in [%d, %d], got %d".formatted(name, min, max, v));
        return v;
    }

    Long longValue(String name) {
        if (!has(name)) return null;
        JsonNode n = body.get(name);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) throw ApiError.invalid(name, "'" + name + "' must be an integer, got " + kind(n));
        return n.longValue();
    }

    /** A number in {@code [min, max]}, or {@code fallback} when absent. */
    double number(String name, double fallback, double min, double max) {
        if (!has(name)) return fallback;
        JsonNode n = body.get(name);
        if (!n.isNumber()) throw ApiError.invalid(name, "'" + name + "' must be a number, got " + kind(n));
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) throw ApiError.invalid(name, "'%s' must be in [%s, %s], got %s".formatted(name, min, max, v));
        return v;
    }

    /** {@code stop}: a string or a list of strings. */
    List<String> strings(String name, int most) {
        List<String> out = new ArrayList<>();
        if (!has(name)) return out;
        JsonNode n = body.get(name);
        if (n.isTextual()) out.add(n.textValue());
        else if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isTextual()) throw ApiError.invalid(name, "'" + name + "' must be a string or a list of strings, got a list holding " + kind(e));
                out.add(e.textValue());
            }
        } else throw ApiError.invalid(name, "'" + name + "' must be a string or a list of strings, got " + kind(n));
        if (out.size() > most) throw ApiError.invalid(name, "'" + name + "' holds " + out.size() + " strings; at most " + most);
        out.removeIf(String::isEmpty);
        return out;
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NULL, MISSING -> "null";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
