package dev.bantam.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test data committed under {@code fixtures/} at the project root (copied from the shared
 * fixtures; {@code fixtures/README.md} gives their provenance and the tolerances). Found by
 * walking up from the working directory, so a test finds it from any module.
 */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One golden case of a model: token ids and the reference logits of every position, {@code [tokens][vocab]}. */
    public record GoldenCase(String name, int[] tokens, float[] logits) {}

    private Fixtures() {}

    /** The {@code fixtures/} directory. */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/tiny"))) return p.resolve("fixtures");
        }
        throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    public static JsonNode json(String relative) {
        return json(path(relative));
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code tiny/MODEL/MODEL-TYPE.gguf}, e.g. {@code tinyGguf("llama-tiny", "q8_0")}. */
    public static Path tinyGguf(String model, String type) {
        return path("tiny/" + model + "/" + model + "-" + type + ".gguf");
    }

    /** An embedded default model at Q8_0 as the CLI ships it ({@code cli/src/main/resources/models}), e.g. {@code austen-llama-7m}. */
    public static Path defaultModel(String model) {
        return root().getParent().resolve("cli/src/main/resources/models/" + model + "-q8_0.gguf");
    }

    /**
     * The golden cases in {@code dir} (e.g. {@code tiny/llama-tiny}): its {@code golden.json} lists
     * cases (name, tokens, logits file); the older layout (the {@code default/} models) has one
     * prompt, {@code tokens} with {@code logits-prompt.f32}.
     */
    public static List<GoldenCase> goldenCases(String dir) {
        Path d = path(dir);
        JsonNode golden = json(d.resolve("golden.json"));
        List<GoldenCase> cases = new ArrayList<>();
        if (golden.has("cases")) {
            for (JsonNode c : golden.get("cases")) {
                cases.add(new GoldenCase(c.get("name").asText(), ints(c.get("tokens")), floats(d.resolve(c.get("logits_file").asText()))));
            }
        } else {
            cases.add(new GoldenCase("prompt", ints(golden.get("tokens")), floats(d.resolve("logits-prompt.f32"))));
        }
        return cases;
    }

    /** The golden case called {@code name} in {@code dir}. */
    public static GoldenCase goldenCase(String dir, String name) {
        return goldenCases(dir).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no golden case '" + name + "' in " + dir));
    }

    /** A little-endian float32 file. */
    public static float[] floats(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
