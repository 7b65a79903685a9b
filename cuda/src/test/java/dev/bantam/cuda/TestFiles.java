package dev.bantam.cuda;

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

/** The repository's fixtures/ (tiny models with golden logits) and the embedded default models. */
final class TestFiles {
    private TestFiles() {}

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/tiny"))) return p;
        }
        throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
    }

    static Path fixture(String relative) {
        return root().resolve("fixtures").resolve(relative);
    }

    static Path defaultModel(String name) {
        return root().resolve("cli/src/main/resources/models/" + name + "-q8_0.gguf");
    }

    record Case(String name, int[] tokens, float[] logits) {}

    /** The golden cases of a tiny model: token ids and Hugging Face's float64 logits of every position. */
    static List<Case> cases(String model) {
        String dir = "tiny/" + model + "/";
        JsonNode golden = json(fixture(dir + "golden.json"));
        List<Case> cases = new ArrayList<>();
        if (golden.has("cases")) {
            for (JsonNode c : golden.get("cases")) {
                cases.add(new Case(c.get("name").asText(), ints(c.get("tokens")), floats(fixture(dir + c.get("logits_file").asText()))));
            }
        } else {
            cases.add(new Case("prompt", ints(golden.get("tokens")), floats(fixture(dir + "logits-prompt.f32"))));
        }
        return cases;
    }

    static JsonNode json(Path p) {
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
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

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException(a.length + " vs " + b.length);
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }

    /** Positions whose largest logit is the same in both. */
    static int sameTop(float[] a, float[] b, int vocab) {
        int same = 0;
        for (int p = 0; p < a.length / vocab; p++) if (argmax(a, p * vocab, vocab) == argmax(b, p * vocab, vocab)) same++;
        return same;
    }
}
