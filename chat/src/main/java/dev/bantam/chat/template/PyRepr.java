package dev.bantam.chat.template;

import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} for the values a template prints: {@code True}, not
 * {@code true}; {@code 2.0} for a float; {@code ['a', 'b']} for a list. (Jinja2 prints with
 * {@code str()}; jinjava with Java's {@code toString()}.) Null prints as nothing, as an undefined
 * value does in Jinja2, because jinjava cannot tell {@code none} from undefined.
 */
final class PyRepr {
    private PyRepr() {}

    static String str(Object v) {
        return switch (v) {
            case null -> "";
            case CharSequence s -> s.toString();
            default -> repr(v);
        };
    }

    static String repr(Object v) {
        return switch (v) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Double d -> PyJson.floatRepr(d);
            case Float f -> PyJson.floatRepr(f.doubleValue());
            case Number n -> n.toString();
            case CharSequence s -> quote(s.toString());
            case Map.Entry<?, ?> e -> "(" + repr(e.getKey()) + ", " + repr(e.getValue()) + ")";
            case Map<?, ?> m -> {
                StringBuilder out = new StringBuilder("{");
                m.forEach((k, val) -> out.append(out.length() > 1 ? ", " : "").append(repr(k)).append(": ").append(repr(val)));
                yield out.append('}').toString();
            }
            case Iterable<?> it -> {
                StringBuilder out = new StringBuilder("[");
                for (Object o : it) out.append(out.length() > 1 ? ", " : "").append(repr(o));
                yield out.append(']').toString();
            }
            default -> v.toString();
        };
    }

    /** Python's string repr: single quotes unless the text has one and no double quote. */
    private static String quote(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') out.append('\\').append(c);
            else if (c == '\n') out.append("\\n");
            else if (c == '\r') out.append("\\r");
            else if (c == '\t') out.append("\\t");
            else if (c < 0x20 || c == 0x7f) out.append(String.format("\\x%02x", (int) c));
            else out.append(c);
        }
        return out.append(q).toString();
    }
}
