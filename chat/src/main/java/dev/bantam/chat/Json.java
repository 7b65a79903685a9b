package dev.bantam.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;

/** JSON objects as the templates read them (ordered maps, lists, strings, numbers) and back to text. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private Json() {}

    /** @param what names the text in the error when it is not a JSON object */
    static Map<String, Object> object(String text, String what) {
        try {
            Map<String, Object> m = MAPPER.readValue(text, OBJECT);
            if (m == null) throw new IllegalArgumentException(what + ": expected a JSON object, got null");
            return m;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + ": expected a JSON object, got " + abbreviate(text));
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage());
        }
    }

    private static String abbreviate(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 60 ? "'" + one + "'" : "'" + one.substring(0, 57) + "...'";
    }
}
