package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A {@code config.json}, read the way transformers reads it: a multimodal checkpoint keeps the
 * language model's settings in {@code text_config} (looked up first, then the top level), and a
 * key that the file leaves out takes the default of the model's config class, which the
 * architecture row supplies (Gemma 3's text config relies on many).
 */
public final class HfConfig {
    private final String file;
    private final JsonNode root;
    private final JsonNode text;
    private final Map<String, Object> defaults;

    private HfConfig(String file, JsonNode root, JsonNode text, Map<String, Object> defaults) {
        this.file = file;
        this.root = root;
        this.text = text;
        this.defaults = defaults;
    }

    public static HfConfig read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString());
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(path.toFile());
        } catch (IOException e) {
            throw new HfFormatException(path + ": not valid JSON: " + dev.bantam.core.format.ModelFormatException.parserMessage(e.getMessage()));
        }
        if (root == null || !root.isObject()) throw new HfFormatException(path + ": expected a JSON object");
        return new HfConfig(path.getFileName().toString(), root, MissingNode.getInstance(), Map.of());
    }

    /** The same file seen through {@code text_config} (when present) with a config class's defaults. */
    HfConfig forText(Map<String, Object> classDefaults) {
        return new HfConfig(file, root, root.path("text_config"), classDefaults);
    }

    String file() { return file; }

    /** The {@code architectures} entries (class names), or {@code model_type} when there are none. */
    public List<String> architectures() {
        List<String> out = new ArrayList<>();
        root.path("architectures").forEach(a -> out.add(a.asText()));
        return out;
    }

    public String modelType() {
        return root.path("model_type").asText("");
    }

    /** The value of the first of {@code keys} present and not null; a missing node otherwise. */
    JsonNode node(String... keys) {
        for (String k : keys) {
            JsonNode n = text.path(k);
            if (n.isMissingNode() || n.isNull()) n = root.path(k);
            if (!n.isMissingNode() && !n.isNull()) return n;
        }
        for (String k : keys) {
            Object d = defaults.get(k);
            if (d != null) return new ObjectMapper().valueToTree(d);
        }
        return MissingNode.getInstance();
    }

    boolean has(String... keys) {
        return !node(keys).isMissingNode();
    }

    OptionalInt optInt(String... keys) throws HfFormatException {
        JsonNode n = node(keys);
        if (n.isMissingNode()) return OptionalInt.empty();
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw new HfFormatException("%s: %s is %s, expected an integer".formatted(file, keys[0], n));
        return OptionalInt.of(n.asInt());
    }

    int integer(String... keys) throws HfFormatException {
        return optInt(keys).orElseThrow(() -> new HfFormatException("%s: %s is missing".formatted(file, String.join(" or ", keys))));
    }

    OptionalDouble optDouble(String... keys) throws HfFormatException {
        JsonNode n = node(keys);
        if (n.isMissingNode()) return OptionalDouble.empty();
        if (!n.isNumber()) throw new HfFormatException("%s: %s is %s, expected a number".formatted(file, keys[0], n));
        return OptionalDouble.of(n.asDouble());
    }

    Optional<String> optString(String... keys) {
        JsonNode n = node(keys);
        return n.isTextual() ? Optional.of(n.asText()) : Optional.empty();
    }

    boolean bool(String key, boolean orElse) {
        JsonNode n = node(key);
        return n.isBoolean() ? n.asBoolean() : orElse;
    }

    /** The top-level node (special token ids live there, not in text_config). */
    JsonNode root() { return root; }
}
