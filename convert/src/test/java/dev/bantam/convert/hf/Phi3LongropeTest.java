package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.core.cpu.Model;
import dev.bantam.core.cpu.Session;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.model.LongRope;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures;
import dev.bantam.testing.Fixtures.GoldenCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Phi-3 longrope (Phi-3/3.5-mini-128k, Phi-4-mini) end to end, on a checkpoint made here: the
 * phi3-tiny fixture's weights with a transformers-4 {@code rope_scaling} of type longrope (fixed
 * long and short factors, original context 64 of 512). No fixture or transformers run has these
 * numbers, so the engine is checked against {@link Phi3LongropeReference}, a float64 pass written
 * in this test from the spec that reads the safetensors, not the GGUF. The factor set follows
 * llama.cpp: short for a context of at most 64 positions per sequence, long above.
 */
class Phi3LongropeTest {
    private static final double[] LONG = {1.0, 1.3, 1.9, 2.6, 3.4, 4.8, 6.5, 8.0};
    private static final double[] SHORT = {1.0, 1.02, 1.05, 1.1, 1.2, 1.35, 1.5, 1.7};
    private static final int ORIGINAL = 64, MAX_POSITIONS = 512;

    @TempDir
    Path tmp;

    @Test
    void convertWritesTheFactorsAndTheEngineMatchesAFloat64Reference() throws Exception {
        Path hf = longropeCheckpoint();
        Path gguf = Conversions.convert(hf, tmp.resolve("phi3-longrope.gguf"), null);
        double attnFactor = Math.sqrt(1 + Math.log((double) MAX_POSITIONS / ORIGINAL) / Math.log(ORIGINAL));
        try (GgufFile f = GgufFile.open(gguf)) {
            assertThat(Kernels.toFloatArray(f.tensor(LongRope.LONG))).containsExactly(floats(LONG));
            assertThat(Kernels.toFloatArray(f.tensor(LongRope.SHORT))).containsExactly(floats(SHORT));
            assertThat(f.metadata().optDouble("phi3.rope.scaling.attn_factor").orElseThrow()).isCloseTo(attnFactor, within(1e-6));
            assertThat(f.metadata().getInt("phi3.rope.scaling.original_context_length", 1)).isEqualTo(ORIGINAL);
        }

        Path weights = hf.resolve("model.safetensors");
        var shortRef = new Phi3LongropeReference(weights, 64, 2, 4, 2, 160, 512, 1e-5, 10000, SHORT, attnFactor);
        var longRef = new Phi3LongropeReference(weights, 64, 2, 4, 2, 160, 512, 1e-5, 10000, LONG, attnFactor);
        int[] sixtyFour = Fixtures.goldenCase("arch/phi3-tiny", "random64").tokens();
        // the two factor sets must make a difference the comparisons below can see
        assertThat(Agreement.maxAbsDiff(flat(shortRef.logits(sixtyFour)), flat(longRef.logits(sixtyFour)))).isGreaterThan(0.05f);

        float worst = 0;
        try (Model model = Model.load(gguf, 2)) {
            for (GoldenCase c : Fixtures.goldenCases("arch/phi3-tiny")) {
                int[] t = c.tokens();
                float[] longExpected = flat(longRef.logits(t));
                worst = Math.max(worst, check(model.newSession(MAX_POSITIONS), t, longExpected, "long " + c.name()));
                if (t.length <= ORIGINAL) worst = Math.max(worst, check(model.newSession(ORIGINAL), t, flat(shortRef.logits(t)), "short " + c.name()));
            }
        }
        System.out.printf("phi3 longrope: CPU engine vs float64 reference, max |Δ| %.2e%n", worst);
    }

    /** Whole-prompt and step-by-step logits of one session against the reference: within 1e-4, same top-1 everywhere. */
    private static float check(Session s, int[] tokens, float[] expected, String what) {
        int vocab = s.vocabSize();
        float[] prefill = s.prefillAll(tokens);
        s.reset();
        float[] stepwise = new float[tokens.length * vocab];
        for (int i = 0; i < tokens.length; i++) System.arraycopy(s.decode(tokens[i]), 0, stepwise, i * vocab, vocab);
        float worst = 0;
        for (float[] actual : new float[][] {prefill, stepwise}) {
            Agreement a = Agreement.of(expected, actual, vocab);
            assertThat(a.maxAbsDiff()).as(what).isLessThanOrEqualTo(1e-4f);
            assertThat(a.sameTop()).as(what + " top-1").isEqualTo(a.positions());
            worst = Math.max(worst, a.maxAbsDiff());
        }
        return worst;
    }

    /** The phi3-tiny checkpoint with longrope in transformers-4 style (rope_scaling; no rope_parameters). */
    private Path longropeCheckpoint() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("phi3-longrope"));
        try (Stream<Path> files = Files.list(Fixtures.path("arch/phi3-tiny/hf"))) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        c.remove("rope_parameters");
        c.put("max_position_embeddings", MAX_POSITIONS).put("original_max_position_embeddings", ORIGINAL);
        ObjectNode scaling = c.putObject("rope_scaling").put("type", "longrope");
        for (double v : LONG) scaling.withArray("long_factor").add(v);
        for (double v : SHORT) scaling.withArray("short_factor").add(v);
        Files.writeString(dir.resolve("config.json"), c.toPrettyString());
        return dir;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static float[] flat(double[][] rows) {
        float[] f = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) for (int i = 0; i < rows[r].length; i++) f[r * rows[r].length + i] = (float) rows[r][i];
        return f;
    }
}
