package dev.bantam.core.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict JSON reader: every valid form, and one clear line for every malformed one. */
class JsonReaderTest {
    private static Object parse(String text) throws JsonFormatException {
        return JsonReader.parse(text, "t.json");
    }

    @Test
    void scalarsAndContainers() throws Exception {
        assertThat(parse(" true ")).isEqualTo(true);
        assertThat(parse("false")).isEqualTo(false);
        assertThat(parse("null")).isNull();
        assertThat(parse("\"\"")).isEqualTo("");
        assertThat(parse("[]")).isEqualTo(List.of());
        assertThat(parse("{}")).isEqualTo(Map.of());
        Object doc = parse("{\"b\": [1, \"two\", null, {\"c\": []}], \"a\": {\"x\": false}}");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("b", Arrays.asList(1L, "two", null, Map.of("c", List.of())));
        expected.put("a", Map.of("x", false));
        assertThat(doc).isEqualTo(expected);
        assertThat(List.copyOf(((Map<?, ?>) doc).keySet())).as("document order").isEqualTo(List.of("b", "a"));
        assertThat(parse("\t\r\n [ 1 ,\n2 ] \n")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void numbers() throws Exception {
        assertThat(parse("0")).isEqualTo(0L);
        assertThat(parse("-0")).isEqualTo(0L);
        assertThat(parse("42")).isEqualTo(42L);
        assertThat(parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(parse("9223372036854775808")).isEqualTo(9.223372036854775808e18); // past a long: a double
        assertThat(parse("1.5")).isEqualTo(1.5);
        assertThat(parse("-0.25e2")).isEqualTo(-25.0);
        assertThat(parse("1E+2")).isEqualTo(100.0);
        assertThat(parse("1e-400")).isEqualTo(0.0);
        assertThat(parse("2.0")).isInstanceOf(Double.class);
    }

    @Test
    void stringEscapesUnicodeAndSurrogates() throws Exception {
        assertThat(parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"")).isEqualTo("a\"b\\c/d\b\f\n\r\t");
        assertThat(parse("\"\\u0041\\u00e9\\u4E2D\"")).isEqualTo("Aé中");
        assertThat(parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
        assertThat(parse("\"Ġhello ĊČ 日本 😀\"")).isEqualTo("Ġhello ĊČ 日本 😀");
        assertThat(parse("\"\\u0000\"")).isEqualTo("\0");
    }

    @Test
    void readsUtf8FilesWithOrWithoutAByteOrderMark(@TempDir Path dir) throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.json"), "{\"é\": \"😀\"}");
        assertThat(JsonReader.read(plain)).isEqualTo(Map.of("é", "😀"));
        Path bom = Files.writeString(dir.resolve("bom.json"), "\uFEFF[1]");
        assertThat(JsonReader.read(bom)).isEqualTo(List.of(1L));
    }

    @Test
    void agreesWithJacksonOnTheTokenizerFixtures() throws Exception {
        ObjectMapper jackson = new ObjectMapper();
        for (String name : List.of("bpe512-tokenizer.json", "bpe4096-tokenizer.json", "encoder.json", "tokenizer-vectors.json")) {
            Path file = Path.of("..", "fixtures", "tokenizers", name);
            Object expected = normalize(jackson.readValue(file.toFile(), Object.class));
            assertThat(JsonReader.read(file)).as(name).isEqualTo(expected);
        }
    }

    /** Jackson reads small integers as Integer; this reader as Long. */
    private static Object normalize(Object v) {
        return switch (v) {
            case Integer i -> (long) i;
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(k, normalize(x)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>();
                l.forEach(x -> out.add(normalize(x)));
                yield out;
            }
            case null, default -> v;
        };
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                  | 0 | expected a JSON value, found the end of the input",
            "`   `               | 3 | expected a JSON value, found the end of the input",
            "`[1,]`              | 3 | expected a JSON value, found ']'",
            "`{\"a\":1,}`        | 7 | expected a string key, found '}'",
            "`{a:1}`             | 1 | expected a string key, found 'a'",
            "`{\"a\" 1}`         | 5 | expected ':' after an object key, found '1'",
            "`{\"a\":1 \"b\":2}` | 7 | expected ',' or '}' in an object, found '\"'",
            "`[1 2]`             | 3 | expected ',' or ']' in an array, found '2'",
            "`{\"a\":1,\"a\":2}` | 7 | duplicate key \"a\"",
            "`[1] [2]`           | 4 | unexpected '[' after the JSON value",
            "`/* c */ 1`         | 0 | expected a JSON value, found '/'",
            "`'a'`               | 0 | expected a JSON value, found '''",
            "`tru`               | 0 | expected a JSON value, found 't'",
            "`NaN`               | 0 | expected a JSON value, found 'N'",
            "`01`                | 1 | leading zero in a number",
            "`-`                 | 1 | expected a digit, found the end of the input",
            "`1.`                | 2 | expected a digit after the decimal point, found the end of the input",
            "`.5`                | 0 | expected a JSON value, found '.'",
            "`1e`                | 2 | expected a digit in the exponent, found the end of the input",
            "`+1`                | 0 | expected a JSON value, found '+'",
            "`1e999`             | 0 | number 1e999 is out of the range of a double",
            "`\"abc`             | 0 | unterminated string",
            "`\"a\\`             | 3 | unterminated escape",
            "`\"\\x\"`           | 2 | invalid escape character 'x' after a backslash",
            "`\"\\u12G4\"`       | 5 | expected four hex digits after \\u, found 'G'",
            "`\"\\ud83d\"`       | 1 | unpaired surrogate \\uD83D in a string",
            "`\"\\ud83d\\u0041\"`| 1 | unpaired surrogate \\uD83D in a string",
            "`\"\\ude00\"`       | 1 | unpaired surrogate \\uDE00 in a string",
            "`\"a\tb\"`          | 2 | unescaped control character U+0009 in a string",
    })
    void malformedDocumentsGiveOneLineWithTheOffset(String text, int offset, String problem) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(JsonFormatException.class)
                .satisfies(e -> assertThat(((JsonFormatException) e).offset()).isEqualTo(offset))
                .hasMessageStartingWith("t.json: invalid JSON at offset " + offset + " (line ")
                .hasMessageEndingWith(": " + problem)
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theErrorCountsLinesAndColumns() {
        assertThatThrownBy(() -> parse("{\n  \"a\": [\n    1,\n    x]}"))
                .hasMessage("t.json: invalid JSON at offset 22 (line 4, column 5): expected a JSON value, found 'x'");
    }

    @Test
    void nestingIsBounded() throws Exception {
        int ok = JsonReader.MAX_DEPTH;
        assertThat(parse("[".repeat(ok) + "]".repeat(ok))).isInstanceOf(List.class);
        String deep = "{\"a\":".repeat(ok) + "[" + "1" + "]" + "}".repeat(ok);
        assertThatThrownBy(() -> parse(deep))
                .isInstanceOf(JsonFormatException.class)
                .hasMessageEndingWith("nested deeper than 512 arrays and objects");
        // far past the limit: still the one-line error, never a StackOverflowError
        assertThatThrownBy(() -> parse("[".repeat(1_000_000)))
                .isInstanceOf(JsonFormatException.class)
                .hasMessageContaining("at offset 512 ");
    }

    @Test
    void invalidUtf8IsReportedAtItsByteOffset(@TempDir Path dir) throws Exception {
        byte[] prefix = "[\"é".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(prefix, prefix.length + 3);
        bytes[prefix.length] = (byte) 0xC3; // a lead byte followed by one that does not continue it
        bytes[prefix.length + 1] = '"';
        bytes[prefix.length + 2] = ']';
        Path file = Files.write(dir.resolve("bad.json"), bytes);
        assertThatThrownBy(() -> JsonReader.read(file))
                .isInstanceOf(JsonFormatException.class)
                .hasMessage("bad.json: invalid UTF-8 at byte offset 4");
    }

    @Test
    void documentsAreUnmodifiable() throws Exception {
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) parse("{\"a\": [1]}");
        assertThatThrownBy(() -> m.put("b", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) m.get("a")).clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
