package dev.bantam.core.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The key/value metadata of a GGUF file, in file order, with typed accessors. */
public final class GgufMetadata {
    private final String file;
    private final Map<String, GgufValue> values;

    public GgufMetadata(String file, Map<String, GgufValue> values) {
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, GgufValue> asMap() { return values; }

    public boolean has(String key) { return values.containsKey(key); }

    public Optional<GgufValue> get(String key) { return Optional.ofNullable(values.get(key)); }

    public String getString(String key) {
        return require(key, GgufValueType.STRING).value().toString();
    }

    /** Absent: empty; present with another type: an error naming the key (never silently "absent"). */
    public Optional<String> optString(String key) {
        return get(key).map(v -> (String) checked(key, v, GgufValueType.STRING).value());
    }

    /** An integer of any integer type (unsigned ones as unsigned); a float or string is a format error. */
    public long getLong(String key) {
        return integer(key, requireValue(key));
    }

    public Optional<Long> optLong(String key) { return get(key).map(v -> integer(key, v)); }

    /** An integer that must fit in an int and be at least {@code min}: model dimensions. */
    public int getInt(String key, int min) {
        long v = getLong(key);
        if (v < min || v > Integer.MAX_VALUE) {
            throw new GgufFormatException("%s: metadata %s = %d is out of range (expected %d..%d)"
                    .formatted(file, key, v, min, Integer.MAX_VALUE));
        }
        return (int) v;
    }

    /** A float or an integer, widened; anything else is a format error. */
    public Optional<Double> optDouble(String key) {
        return get(key).map(v -> switch (v.type()) {
            case FLOAT32, FLOAT64 -> ((Number) v.value()).doubleValue();
            default -> (double) integer(key, v, "a number");
        });
    }

    /** A bool, or (as some converters write it) an integer 0 / non-zero. */
    public Optional<Boolean> optBool(String key) {
        return get(key).map(v -> v.type() == GgufValueType.BOOL ? (Boolean) v.value() : integer(key, v, "a bool") != 0);
    }

    public Optional<String[]> optStringArray(String key) {
        return optArray(key, GgufValueType.STRING).map(a -> (String[]) a.elements());
    }

    public Optional<float[]> optFloatArray(String key) {
        return optArray(key, GgufValueType.FLOAT32).map(a -> (float[]) a.elements());
    }

    /** An integer array of any 32-bit-or-smaller element type, widened to int. */
    public Optional<int[]> optIntArray(String key) {
        return get(key).filter(v -> v.type() == GgufValueType.ARRAY).map(v -> {
            GgufValue.GgufArray a = (GgufValue.GgufArray) v.value();
            return switch (a.elements()) {
                case int[] ints -> ints;
                case byte[] bytes -> { int[] r = new int[bytes.length]; for (int i = 0; i < r.length; i++) r[i] = bytes[i]; yield r; }
                case short[] s -> { int[] r = new int[s.length]; for (int i = 0; i < r.length; i++) r[i] = s[i]; yield r; }
                default -> throw new GgufFormatException("%s: metadata %s is an array of %s, expected integers"
                        .formatted(file, key, a.elementType()));
            };
        });
    }

    private Optional<GgufValue.GgufArray> optArray(String key, GgufValueType elementType) {
        return get(key).map(v -> {
            if (v.type() != GgufValueType.ARRAY || ((GgufValue.GgufArray) v.value()).elementType() != elementType) {
                throw new GgufFormatException("%s: metadata %s has type %s, expected array of %s"
                        .formatted(file, key, describe(v), elementType));
            }
            return (GgufValue.GgufArray) v.value();
        });
    }

    private GgufValue requireValue(String key) {
        GgufValue v = values.get(key);
        if (v == null) throw new GgufFormatException("%s: required metadata key %s is missing".formatted(file, key));
        return v;
    }

    private GgufValue require(String key, GgufValueType type) {
        return checked(key, requireValue(key), type);
    }

    private GgufValue checked(String key, GgufValue v, GgufValueType type) {
        if (v.type() != type) throw wrongType(key, type.toString(), v);
        return v;
    }

    private long integer(String key, GgufValue v) {
        return integer(key, v, "an integer");
    }

    private long integer(String key, GgufValue v, String expected) {
        if (!isInteger(v.type())) throw wrongType(key, expected, v);
        return v.asLong();
    }

    static boolean isInteger(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    private GgufFormatException wrongType(String key, String expected, GgufValue v) {
        return new GgufFormatException("%s: metadata %s has type %s, expected %s".formatted(file, key, describe(v), expected));
    }

    private static String describe(GgufValue v) {
        return v.type() == GgufValueType.ARRAY ? "array of " + ((GgufValue.GgufArray) v.value()).elementType() : v.type().toString();
    }
}
