package dev.bantam.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden-logit check of an architecture row (fixtures/arch/MODEL) that every engine passes,
 * the CPU forward pass and the ONNX export alike: every golden case through each of the engine's
 * paths (one prefill, step by step through the cache, ...) within 1e-3 of transformers' float64
 * logits with the same top-1 at every position, and the greedy continuation token for token.
 */
public final class GoldenLogits {
    static final float TOLERANCE = 1e-3f;

    private GoldenLogits() {}

    /** One way through an engine: the logits of every position of a token sequence, {@code [tokens][vocab]}. */
    public interface LogitsPath {
        float[] logits(int[] tokens) throws Exception;
    }

    /** The greedy continuation of a prompt by n tokens. */
    public interface Greedy {
        int[] continuation(int[] prompt, int n) throws Exception;
    }

    /**
     * Asserts the check and returns the largest |Δ| seen.
     *
     * @param label  what the printed lines and failures name ({@code "qwen3-tiny onnx fp32"})
     * @param paths  the engine's paths by name, in the order to print them
     */
    public static float assertMatch(String label, String model, int vocab, Map<String, LogitsPath> paths, Greedy greedy) throws Exception {
        String dir = "arch/" + model + "/";
        float worst = 0;
        for (Fixtures.GoldenCase c : Fixtures.goldenCases(dir)) {
            List<String> diffs = new ArrayList<>();
            for (var path : paths.entrySet()) {
                Agreement a = Agreement.of(c.logits(), path.getValue().logits(c.tokens()), vocab);
                diffs.add("%s %.2e".formatted(path.getKey(), a.maxAbsDiff()));
                assertThat(a.maxAbsDiff()).as("%s %s %s", label, c.name(), path.getKey()).isLessThanOrEqualTo(TOLERANCE);
                assertThat(a.sameTop()).as("%s %s %s top-1", label, c.name(), path.getKey()).isEqualTo(a.positions());
                worst = Math.max(worst, a.maxAbsDiff());
            }
            System.out.printf("%s %s: max |Δ| %s%n", label, c.name(), String.join(", ", diffs));
        }
        JsonNode g = Fixtures.json(dir + "golden.json").get("greedy");
        int[] expected = Fixtures.ints(g.get("new_tokens"));
        assertThat(greedy.continuation(Fixtures.ints(g.get("prompt_tokens")), expected.length)).as(label + " greedy").containsExactly(expected);
        System.out.printf("%s: max |Δ| over every case and path %.2e%n", label, worst);
        return worst;
    }
}
