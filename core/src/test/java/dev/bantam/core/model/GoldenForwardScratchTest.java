package dev.bantam.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.Fixtures;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.kernels.ThreadPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoldenForwardScratchTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama-tiny", "gpt2-tiny", "qwen2-tiny", "llama-spm-tiny"})
    void f32(String name) throws Exception {
        String dir = "tiny/" + name + "/";
        JsonNode golden = Fixtures.json(dir + "golden.json");
        try (GgufFile f = GgufFile.open(Fixtures.path(dir + name + "-f32.gguf")); ThreadPool pool = new ThreadPool(2)) {
            ModelConfig c = ModelConfig.from(name, f.metadata(), f.metadata().optStringArray("tokenizer.ggml.tokens").get().length);
            Transformer tr = new Transformer(c, Weights.load(f, c), pool);
            System.out.println(name + " " + c);
            JsonNode cases = golden.has("cases") ? golden.get("cases") : null;
            if (cases == null) {
                int[] toks = Fixtures.ints(golden.get("tokens"));
                float[] ref = Fixtures.floats(Fixtures.path(dir + "logits-prompt.f32"));
                float[] got = tr.forward(new KvCache(c, 256), toks, true);
                System.out.println(name + " prompt maxdiff " + maxDiff(ref, got));
                return;
            }
            for (JsonNode cs : cases) {
                int[] toks = Fixtures.ints(cs.get("tokens"));
                float[] ref = Fixtures.floats(Fixtures.path(dir + cs.get("logits_file").asText()));
                float[] got = tr.forward(new KvCache(c, 256), toks, true);
                System.out.println(name + " " + cs.get("name").asText() + " maxdiff " + maxDiff(ref, got));
            }
        }
    }

    static float maxDiff(float[] a, float[] b) {
        if (a.length != b.length) return Float.NaN;
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
