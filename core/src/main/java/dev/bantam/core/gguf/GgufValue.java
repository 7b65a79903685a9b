package dev.bantam.core.gguf;

import java.util.List;

/**
 * One metadata value together with its GGUF type, so that a file can be written back exactly as
 * it was read. Scalars hold the boxed Java value of the same width (unsigned types keep their raw
 * bits: a UINT32 is an Integer); arrays hold a {@link GgufArray}.
 */
public record GgufValue(GgufValueType type, Object value) {

    public static GgufValue of(String s) { return new GgufValue(GgufValueType.STRING, s); }
    public static GgufValue ofU32(int v) { return new GgufValue(GgufValueType.UINT32, v); }
    public static GgufValue ofI32(int v) { return new GgufValue(GgufValueType.INT32, v); }
    public static GgufValue ofU64(long v) { return new GgufValue(GgufValueType.UINT64, v); }
    public static GgufValue ofF32(float v) { return new GgufValue(GgufValueType.FLOAT32, v); }
    public static GgufValue ofBool(boolean v) { return new GgufValue(GgufValueType.BOOL, v); }
    public static GgufValue ofArray(GgufArray a) { return new GgufValue(GgufValueType.ARRAY, a); }

    /** Integer value of any integer type; unsigned types are read as unsigned. */
    public long asLong() {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedLong((Byte) value);
            case UINT16 -> Short.toUnsignedLong((Short) value);
            case UINT32 -> Integer.toUnsignedLong((Integer) value);
            case INT8, INT16, INT32, INT64, UINT64 -> ((Number) value).longValue();
            case BOOL -> (Boolean) value ? 1 : 0;
            default -> throw new IllegalStateException("not an integer: " + type);
        };
    }

    public double asDouble() {
        return switch (type) {
            case FLOAT32, FLOAT64 -> ((Number) value).doubleValue();
            default -> asLong();
        };
    }

    /** A short human-readable rendering, arrays abbreviated (used by {@code bantam info}). */
    public String display() {
        return switch (type) {
            case STRING -> '"' + abbreviate((String) value, 60) + '"';
            case ARRAY -> ((GgufArray) value).display();
            case FLOAT32, FLOAT64, BOOL -> String.valueOf(value);
            default -> Long.toUnsignedString(asLong());
        };
    }

    static String abbreviate(String s, int max) {
        // Newlines as \n as before; other control characters escaped so a hostile value cannot drive the terminal.
        String oneLine = dev.bantam.core.format.ModelFormatException.quote(s.replace("\n", "\\n"));
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
    }

    /** A typed array: strings as String[], numbers as the matching primitive array, nested arrays as GgufArray[]. */
    public record GgufArray(GgufValueType elementType, Object elements) {
        public int length() {
            return java.lang.reflect.Array.getLength(elements);
        }

        public static GgufArray ofStrings(List<String> strings) {
            return new GgufArray(GgufValueType.STRING, strings.toArray(String[]::new));
        }

        String display() {
            int n = length();
            StringBuilder sb = new StringBuilder("[").append(elementType.name().toLowerCase()).append(" × ").append(n).append("]");
            if (n > 0 && elementType == GgufValueType.STRING) {
                sb.append(" \"").append(abbreviate(((String[]) elements)[0], 20)).append("\", …");
            }
            return sb.toString();
        }

        /** Content equality, element by element (records compare arrays by identity). */
        public boolean sameAs(GgufArray other) {
            if (elementType != other.elementType || length() != other.length()) return false;
            if (elements instanceof GgufArray[] mine) {
                GgufArray[] theirs = (GgufArray[]) other.elements;
                for (int i = 0; i < mine.length; i++) if (!mine[i].sameAs(theirs[i])) return false;
                return true;
            }
            return java.util.Objects.deepEquals(elements, other.elements);
        }
    }

    /** Content equality including array contents. */
    public boolean sameAs(GgufValue other) {
        if (type != other.type) return false;
        if (value instanceof GgufArray a) return a.sameAs((GgufArray) other.value);
        return value.equals(other.value);
    }
}
