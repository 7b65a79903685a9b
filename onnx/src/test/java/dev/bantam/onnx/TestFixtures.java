package dev.bantam.onnx;

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

/** The golden cases under {@code fixtures/tiny/MODEL/} (fixtures/README.md). */
final class TestFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(String name, int[] tokens, float[] logits) {}

    private TestFixtures() {}

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/tiny"))) return p.resolve("fixtures");
        }
        throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
    }

    static Path gguf(String model, String type) {
        return root().resolve("tiny/" + model + "/" + model + "-" + type + ".gguf");
    }

    static JsonNode golden(String model) {
        try {
            return JSON.readTree(root().resolve("tiny/" + model + "/golden.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Case> cases(String model) {
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : golden(model).get("cases")) {
            cases.add(new Case(c.get("name").asText(), ints(c.get("tokens")),
                    floats(root().resolve("tiny/" + model + "/" + c.get("logits_file").asText()))));
        }
        return cases;
    }

    static Case named(String model, String name) {
        return cases(model).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static float[] floats(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    /** Positions (rows of {@code vocab}) whose argmax agrees. */
    static int sameTop(float[] a, float[] b, int vocab) {
        int same = 0;
        for (int p = 0; p < a.length / vocab; p++) {
            if (OrtRunner.argmax(a, p * vocab, vocab) == OrtRunner.argmax(b, p * vocab, vocab)) same++;
        }
        return same;
    }
}
