package dev.bantam.convert.hf;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.model.Architecture;
import dev.bantam.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

/**
 * A converted {@code fixtures/arch} checkpoint reproduces transformers' float64 logits on core's
 * CPU engine within the fixtures' 1e-3, with the same greedy continuation. It runs for each
 * architecture as soon as the engine supports it: the architecture must be known to core, and the
 * engine must reproduce the golden logits on the fixture's own GGUF (Llama 3's rope_freqs,
 * Gemma's window, ...), so that a skip here says "the engine is not there yet", never "the
 * converter is wrong" (that the tensors are right is {@link ArchFixtureConversionTest}'s job).
 */
class ConvertedGoldenLogitsTest {
    private static final float TOLERANCE = 1e-3f;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"})
    void convertedFileMatchesGoldenLogits(String name) throws Exception {
        String dir = "arch/" + name + "/";
        Path reference = Fixtures.path(dir + name + "-f32.gguf");
        String arch;
        try (GgufFile f = GgufFile.open(reference)) {
            arch = f.metadata().getString("general.architecture");
        }
        Assumptions.assumeTrue(Architecture.byName(arch).isPresent(), () -> "the CPU engine does not support " + arch + " yet");
        JsonNode first = Fixtures.json(dir + "golden.json").path("cases").get(0);
        float engineOnReference = GoldenCheck.maxDiff(reference, dir, first);
        Assumptions.assumeTrue(engineOnReference <= TOLERANCE, () -> "the CPU engine does not reproduce %s's own GGUF yet (max |Δ| %.3g on case %s)"
                .formatted(name, engineOnReference, first.path("name").asText()));

        GoldenCheck.assertMatches(Conversions.convert(Fixtures.path(dir + "hf"), tmp.resolve(name + ".gguf"), null), dir, TOLERANCE);
    }
}
