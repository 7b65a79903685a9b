package dev.bantam.chat.template;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * Python's {@code json.dumps(value, ensure_ascii=False, indent=..., sort_keys=...)}, which is what
 * Hugging Face's {@code tojson} filter calls: {@code ", "} and {@code ": "} between items (or
 * {@code ","} and a newline with an indent), non-ASCII characters as they are, control characters
 * escaped, floats as Python's {@code repr} writes them.
 */
final class PyJson {
    private PyJson() {}

    /**
     * The arguments of {@code json.dumps} that HF's filter passes on.
     *
     * @param indent   null for one line, else the text of one indentation level
     * @param itemSep  between items: {@code ", "} by default, {@code ","} with an indent
     */
    record Style(boolean ensureAscii, String indent, String itemSep, String keySep, boolean sortKeys) {
        static final Style HF = new Style(false, null, ", ", ": ", false);

        /** Python's defaults for {@code separators} depend on whether there is an indent. */
        static Style of(boolean ensureAscii, String indent, String itemSep, String keySep, boolean sortKeys) {
            String item = itemSep != null ? itemSep : indent == null ? ", " : ",";
            return new Style(ensureAscii, indent, item, keySep != null ? keySep : ": ", sortKeys);
        }
    }

    static String dumps(Object value) {
        return dumps(value, Style.HF);
    }

    static String dumps(Object value, Style style) {
        StringBuilder out = new StringBuilder();
        new Writer(out, style).write(value, 0);
        return out.toString();
    }

    private record Writer(StringBuilder out, Style style) {

        void write(Object v, int level) {
            switch (v) {
                case null -> out.append("null");
                case Boolean b -> out.append(b ? "true" : "false");
                case Double d -> out.append(floatRepr(d));
                case Float f -> out.append(floatRepr(f.doubleValue()));
                case BigDecimal d -> out.append(floatRepr(d.doubleValue()));
                case Number n -> out.append(n);
                case CharSequence s -> string(s.toString());
                case Map<?, ?> m -> object(m, level);
                case Iterable<?> it -> array(it, level);
                case Object[] a -> array(java.util.Arrays.asList(a), level);
                default -> string(v.toString());
            }
        }

        private void object(Map<?, ?> m, int level) {
            if (m.isEmpty()) {
                out.append("{}");
                return;
            }
            Map<?, ?> entries = m;
            if (style.sortKeys()) {
                TreeMap<String, Object> sorted = new TreeMap<>();
                m.forEach((k, val) -> sorted.put(key(k), val));
                entries = sorted;
            }
            out.append('{');
            boolean first = true;
            for (var e : entries.entrySet()) {
                separator(first, level + 1);
                first = false;
                string(key(e.getKey()));
                out.append(style.keySep());
                write(e.getValue(), level + 1);
            }
            close(level);
            out.append('}');
        }

        private void array(Iterable<?> items, int level) {
            if (!items.iterator().hasNext()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                separator(first, level + 1);
                first = false;
                write(item, level + 1);
            }
            close(level);
            out.append(']');
        }

        /** Before an item: the item separator (not before the first), then a newline and indentation where there is an indent. */
        private void separator(boolean first, int level) {
            if (!first) out.append(style.itemSep());
            if (style.indent() != null) out.append('\n').append(style.indent().repeat(level));
        }

        private void close(int level) {
            if (style.indent() != null) out.append('\n').append(style.indent().repeat(level));
        }

        /** Python turns keys that are not strings into strings: True -> "true", None -> "null", numbers as dumped. */
        private static String key(Object k) {
            return switch (k) {
                case null -> "null";
                case Boolean b -> b ? "true" : "false";
                case Double d -> floatRepr(d);
                default -> k.toString();
            };
        }

        private void string(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20 || (c > 0x7e && style.ensureAscii())) out.append(String.format("\\u%04x", (int) c));
                        else out.append(c);
                    }
                }
            }
            out.append('"');
        }
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that round-trip (Java's {@code Double.toString}
     * finds the same digits), written positionally for exponents -4..15 and as {@code 1e-05} /
     * {@code 1.5e+16} outside.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal b = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = b.unscaledValue().toString();
        int exponent = digits.length() - 1 - b.scale(); // d = digits[0].digits[1..] x 10^exponent
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = b.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
        return sign + mantissa + "e" + exp;
    }
}
