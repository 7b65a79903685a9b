package dev.bantam.core.json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259), so that core can read Hugging Face files without a library.
 * Values come back as plain Java: an object is a {@code Map<String, Object>} in document order, an
 * array a {@code List<Object>}, a string a {@link String}, a number a {@link Long} when it is an
 * integer that fits and a {@link Double} otherwise, {@code true}/{@code false} a {@link Boolean}
 * and {@code null} null. Collections are unmodifiable.
 *
 * <p>Strict: no comments, trailing commas, single quotes, leading zeros, NaN, duplicate keys,
 * unescaped control characters or unpaired surrogates; nothing but whitespace after the value.
 * Only a leading byte-order mark is skipped (as other readers do). Nesting deeper than
 * {@link #MAX_DEPTH} is an error, which keeps the recursion far from the stack's end; what it
 * builds is proportional to the input. Every error is a {@link JsonFormatException} with the
 * source name, offset, line and column (offsets count UTF-16 characters of the decoded text,
 * except for invalid UTF-8, which is reported at its byte offset).
 */
public final class JsonReader {
    /** Arrays and objects nested deeper than this are rejected; real documents need a handful. */
    public static final int MAX_DEPTH = 512;

    private final String text;
    private final String source;
    private int pos;
    private int depth;

    private JsonReader(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Reads a UTF-8 file; errors name it by its file name. */
    public static Object read(Path file) throws IOException {
        String name = file.getFileName().toString();
        return parse(decodeUtf8(Files.readAllBytes(file), name), name);
    }

    /**
     * Parses a whole document.
     *
     * @param source what to call the text in error messages (a file name)
     */
    public static Object parse(String text, String source) throws JsonFormatException {
        JsonReader r = new JsonReader(text, source);
        if (r.pos < text.length() && text.charAt(r.pos) == '\uFEFF') r.pos++;
        r.skipWhitespace();
        Object value = r.value();
        r.skipWhitespace();
        if (r.pos < text.length()) throw r.error("unexpected " + r.describe(r.pos) + " after the JSON value");
        return value;
    }

    private static String decodeUtf8(byte[] bytes, String source) throws JsonFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new JsonFormatException("%s: invalid UTF-8 at byte offset %d".formatted(source, in.position()), in.position());
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private Object value() throws JsonFormatException {
        if (pos >= text.length()) throw error("expected a JSON value, found the end of the input");
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("expected a JSON value, found " + describe(pos));
            }
        };
    }

    private Map<String, Object> object() throws JsonFormatException {
        enter();
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return Collections.unmodifiableMap(map);
        }
        while (true) {
            if (peek() != '"') throw error("expected a string key, found " + describe(pos));
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':', "after an object key");
            skipWhitespace();
            if (map.containsKey(key)) throw errorAt(keyAt, "duplicate key \"" + key + "\"");
            map.put(key, value());
            skipWhitespace();
            if (peek() == ',') {
                pos++;
                skipWhitespace();
            } else if (peek() == '}') {
                pos++;
                depth--;
                return Collections.unmodifiableMap(map);
            } else {
                throw error("expected ',' or '}' in an object, found " + describe(pos));
            }
        }
    }

    private List<Object> array() throws JsonFormatException {
        enter();
        pos++; // '['
        ArrayList<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            list.add(value());
            skipWhitespace();
            if (peek() == ',') {
                pos++;
                skipWhitespace();
            } else if (peek() == ']') {
                pos++;
                depth--;
                // spare capacity would be held as long as the document (a tokenizer has 100k+ two-element merges)
                list.trimToSize();
                return Collections.unmodifiableList(list);
            } else {
                throw error("expected ',' or ']' in an array, found " + describe(pos));
            }
        }
    }

    private void enter() throws JsonFormatException {
        if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " arrays and objects");
    }

    private String string() throws JsonFormatException {
        int start = ++pos; // past '"'
        StringBuilder sb = null; // only for strings with escapes
        while (true) {
            if (pos >= text.length()) throw errorAt(start - 1, "unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("unescaped control character U+%04X in a string".formatted((int) c));
            if (Character.isSurrogate(c)) {
                // a literal pair came from valid UTF-8 (or a String the caller built); check it anyway
                if (Character.isHighSurrogate(c) && pos + 1 < text.length() && Character.isLowSurrogate(text.charAt(pos + 1))) {
                    pos += 2;
                    continue;
                }
                throw error("unpaired surrogate U+%04X in a string".formatted((int) c));
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(text, start, pos);
            pos++;
            sb.append(escape());
            start = pos;
        }
    }

    /** The characters of the escape after a backslash (two for a surrogate pair). */
    private String escape() throws JsonFormatException {
        if (pos >= text.length()) throw error("unterminated escape");
        char e = text.charAt(pos++);
        return switch (e) {
            case '"' -> "\"";
            case '\\' -> "\\";
            case '/' -> "/";
            case 'b' -> "\b";
            case 'f' -> "\f";
            case 'n' -> "\n";
            case 'r' -> "\r";
            case 't' -> "\t";
            case 'u' -> {
                int escapeAt = pos - 2;
                char u = hex4();
                if (Character.isHighSurrogate(u)) {
                    if (text.startsWith("\\u", pos)) {
                        pos += 2;
                        char low = hex4();
                        if (Character.isLowSurrogate(low)) yield new String(new char[] {u, low});
                    }
                    throw errorAt(escapeAt, "unpaired surrogate \\u%04X in a string".formatted((int) u));
                }
                if (Character.isLowSurrogate(u)) throw errorAt(escapeAt, "unpaired surrogate \\u%04X in a string".formatted((int) u));
                yield String.valueOf(u);
            }
            default -> {
                pos--;
                throw error("invalid escape character " + describeChar(e) + " after a backslash");
            }
        };
    }

    private char hex4() throws JsonFormatException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = hexDigit(peek());
            if (d < 0) throw error("expected four hex digits after \\u, found " + describe(pos));
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    /** ASCII hex only: {@link Character#digit} would also take other scripts' digits. */
    private static int hexDigit(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private Object number() throws JsonFormatException {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) throw error("leading zero in a number");
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("expected a digit, found " + describe(pos));
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after the decimal point, found " + describe(pos));
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent, found " + describe(pos));
            while (isDigit(peek())) pos++;
        }
        String lexeme = text.substring(start, pos);
        if (integer) {
            try {
                return Long.parseLong(lexeme);
            } catch (NumberFormatException tooLarge) {
                // falls through to a double, as the grammar is already checked
            }
        }
        double d = Double.parseDouble(lexeme);
        if (Double.isInfinite(d)) throw errorAt(start, "number " + lexeme + " is out of the range of a double");
        return d;
    }

    private Object literal(String word, Object value) throws JsonFormatException {
        if (!text.startsWith(word, pos)) throw error("expected a JSON value, found " + describe(pos));
        pos += word.length();
        return value;
    }

    private void expect(char c, String where) throws JsonFormatException {
        if (peek() != c) throw error("expected '" + c + "' " + where + ", found " + describe(pos));
        pos++;
    }

    /** The next character, or -1 at the end. */
    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private String describe(int at) {
        return at >= text.length() ? "the end of the input" : describeChar(text.charAt(at));
    }

    private static String describeChar(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "U+%04X".formatted((int) c);
    }

    private JsonFormatException error(String problem) {
        return errorAt(pos, problem);
    }

    /** Line and column are counted only here, on the way out. */
    private JsonFormatException errorAt(int at, String problem) {
        int line = 1, lineStart = 0;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new JsonFormatException("%s: invalid JSON at offset %d (line %d, column %d): %s"
                .formatted(source, at, line, at - lineStart + 1, problem), at);
    }
}
