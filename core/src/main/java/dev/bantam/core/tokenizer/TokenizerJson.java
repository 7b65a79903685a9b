package dev.bantam.core.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Typed reads of a tokenizer file's JSON tree (as {@link dev.bantam.core.json.JsonReader} builds
 * it). An absent or null member reads as its default, as the format's optional fields do; a member
 * of the wrong type is an error that names the file and the member. Names of members are built
 * only for an error, since a vocabulary has 100k+ of them.
 */
final class TokenizerJson {
    /** Ids above this would only allocate: no vocabulary comes near 16M tokens. */
    static final int MAX_ID = 1 << 24;

    private final String file;

    TokenizerJson(String file) {
        this.file = file;
    }

    String file() { return file; }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(Object value, Supplier<String> where) {
        if (value instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw wrongType(where, "an object", value);
    }

    /** Member {@code key} of {@code parent} as an object; absent or null: empty. */
    Map<String, Object> object(Map<String, Object> parent, String key, Supplier<String> where) {
        Object v = parent.get(key);
        return v == null ? Map.of() : object(v, where);
    }

    @SuppressWarnings("unchecked")
    List<Object> array(Object value, Supplier<String> where) {
        if (value instanceof List<?> l) return (List<Object>) l;
        throw wrongType(where, "an array", value);
    }

    /** Member {@code key} of {@code parent} as an array; absent or null: empty. */
    List<Object> array(Map<String, Object> parent, String key, Supplier<String> where) {
        Object v = parent.get(key);
        return v == null ? List.of() : array(v, where);
    }

    String string(Object value, Supplier<String> where) {
        if (value instanceof String s) return s;
        throw wrongType(where, "a string", value);
    }

    /** Member {@code key} of {@code parent} as a string; absent or null: {@code otherwise}. */
    String string(Map<String, Object> parent, String key, String otherwise, Supplier<String> where) {
        Object v = parent.get(key);
        return v == null ? otherwise : string(v, where);
    }

    /** Member {@code key} of {@code parent} as a boolean; absent or null: {@code otherwise}. */
    boolean bool(Map<String, Object> parent, String key, boolean otherwise, Supplier<String> where) {
        Object v = parent.get(key);
        if (v == null) return otherwise;
        if (v instanceof Boolean b) return b;
        throw wrongType(where, "true or false", v);
    }

    /** A token id: an integer in 0 … {@link #MAX_ID}. */
    int id(Object value, Supplier<String> where) {
        if (value instanceof Long l && l >= 0 && l < MAX_ID) return (int) (long) l;
        throw wrongType(where, "a token id (an integer in 0 … " + (MAX_ID - 1) + ")", value);
    }

    private IllegalArgumentException wrongType(Supplier<String> where, String expected, Object found) {
        String kind = switch (found) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "a string";
            case Boolean b -> b.toString();
            default -> dev.bantam.core.format.ModelFormatException.quote(found.toString());
        };
        return new IllegalArgumentException("%s: %s: expected %s, found %s".formatted(file, dev.bantam.core.format.ModelFormatException.quote(where.get()), expected, kind));
    }
}
