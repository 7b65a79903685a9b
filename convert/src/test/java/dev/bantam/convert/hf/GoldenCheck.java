package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.cpu.Model;
import dev.bantam.core.cpu.Session;
import dev.bantam.core.generate.Sampler;
import dev.bantam.testing.Fixtures;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A GGUF file on core's CPU engine against a fixture's golden.json (transformers' float64 logits). */
final class GoldenCheck {
    private GoldenCheck() {}

    /** max |logit − golden| over every position of one case, from one whole-prompt prefill. */
    static float maxDiff(Path gguf, String fixtureDir, JsonNode goldenCase) throws Exception {
        int[] tokens = Fixtures.ints(goldenCase.path("tokens"));
        float[] want = Fixtures.floats(Fixtures.path(fixtureDir + goldenCase.path("logits_file").asText()));
        try (Model m = Model.load(gguf, 2)) {
            float[] got = m.newSession(tokens.length).prefillAll(tokens);
            assertThat(got).hasSameSizeAs(want);
            float max = 0;
            for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - got[i]));
            return max;
        }
    }

    /** Every case within {@code tolerance}, and the greedy continuation identical. */
    static void assertMatches(Path gguf, String fixtureDir, float tolerance) throws Exception {
        JsonNode golden = Fixtures.json(fixtureDir + "golden.json");
        for (JsonNode c : golden.path("cases")) {
            assertThat(maxDiff(gguf, fixtureDir, c)).as("%s case %s max |Δ|", gguf.getFileName(), c.path("name").asText()).isLessThanOrEqualTo(tolerance);
        }
        JsonNode greedy = golden.path("greedy");
        int[] prompt = Fixtures.ints(greedy.path("prompt_tokens")), expected = Fixtures.ints(greedy.path("new_tokens"));
        try (Model m = Model.load(gguf, 2)) {
            Session s = m.newSession(prompt.length + expected.length);
            float[] logits = s.prefill(prompt);
            int[] got = new int[expected.length];
            for (int i = 0; i < got.length; i++) {
                got[i] = Sampler.argmax(logits);
                if (i + 1 < got.length) logits = s.decode(got[i]);
            }
            assertThat(got).as("%s greedy continuation", gguf.getFileName()).containsExactly(expected);
        }
    }
}
