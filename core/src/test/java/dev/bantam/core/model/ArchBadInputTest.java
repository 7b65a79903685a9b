package dev.bantam.core.model;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufFormatException;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A file of a known architecture with a missing or misshapen tensor gets one line: tensor, expected shape, found shape. */
class ArchBadInputTest {
    @TempDir
    Path tmp;

    @Test
    void gemma3WithoutPostFfwNormNamesTheTensorAndItsShape() throws Exception {
        Path bad = rewrite("gemma3-tiny", "blk.3.post_ffw_norm.weight", t -> null);
        assertThatThrownBy(() -> load(bad)).isInstanceOf(GgufFormatException.class)
                .hasMessage("bad.gguf: tensor blk.3.post_ffw_norm.weight is missing (architecture gemma3 requires it, shape [64])");
    }

    @Test
    void qwen3QNormShorterThanTheHeadSizeNamesBothShapes() throws Exception {
        Path bad = rewrite("qwen3-tiny", "blk.1.attn_q_norm.weight",
                t -> new TensorView(t.name(), t.type(), new long[] {16}, t.data().asSlice(0, 16 * 4)));
        assertThatThrownBy(() -> load(bad)).isInstanceOf(GgufFormatException.class)
                .hasMessage("bad.gguf: tensor blk.1.attn_q_norm.weight has shape [16], expected [32]");
    }

    @Test
    void phi3FfnUpWithoutTheGateHalfNamesBothShapes() throws Exception {
        Path bad = rewrite("phi3-tiny", "blk.0.ffn_up.weight",
                t -> new TensorView(t.name(), t.type(), new long[] {64, 160}, t.data().asSlice(0, 64L * 160 * 4)));
        assertThatThrownBy(() -> load(bad)).isInstanceOf(GgufFormatException.class)
                .hasMessage("bad.gguf: tensor blk.0.ffn_up.weight has shape [64, 160], expected [64, 320]");
    }

    @Test
    void llamaRopeFreqsOfTheWrongLengthNamesBothShapes() throws Exception {
        Path bad = rewrite("llama31-tiny", "rope_freqs.weight",
                t -> new TensorView(t.name(), t.type(), new long[] {4}, t.data().asSlice(0, 4 * 4)));
        assertThatThrownBy(() -> load(bad)).isInstanceOf(GgufFormatException.class)
                .hasMessage("bad.gguf: tensor rope_freqs.weight has shape [4], expected [8]");
    }

    @Test
    void phi3LongropeWithOneFactorTensorNamesTheMissingOne() throws Exception {
        Path bad = tmp.resolve("bad.gguf");
        try (GgufFile f = GgufFile.open(Fixtures.path("arch/phi3-tiny/phi3-tiny-f32.gguf"))) {
            GgufWriter w = new GgufWriter().putAll(f.metadata());
            for (GgufTensorInfo i : f.tensorInfos()) w.addTensor(i.name(), i.type(), i.shape(), f.tensor(i.name()).data());
            TensorView norm = f.tensor("output_norm.weight");
            w.addTensor("rope_factors_long.weight", norm.type(), new long[] {8}, norm.data().asSlice(0, 8 * 4));
            w.write(bad);
        }
        assertThatThrownBy(() -> load(bad)).isInstanceOf(GgufFormatException.class)
                .hasMessage("bad.gguf: tensor rope_factors_short.weight is missing (architecture phi3 requires it, shape [8] (longrope needs both factor tensors))");
    }

    @Test
    void unknownArchitectureListsTheSupportedOnes() throws Exception {
        Path src = Fixtures.path("arch/qwen3-tiny/qwen3-tiny-f32.gguf"), bad = tmp.resolve("bad.gguf");
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter().putAll(f.metadata()).put("general.architecture", GgufValue.of("gemma4"));
            for (GgufTensorInfo i : f.tensorInfos()) w.addTensor(i.name(), i.type(), i.shape(), f.tensor(i.name()).data());
            w.write(bad);
        }
        assertThatThrownBy(() -> load(bad)).isInstanceOf(UnsupportedModelException.class)
                .hasMessage("bad.gguf: unsupported architecture 'gemma4' (supported: gemma3, gpt2, llama, mistral, phi3, qwen2, qwen3)");
    }

    @Test
    void theClassicArchitecturesCarryNoRopeFactors() throws Exception {
        for (String m : new String[] {"llama-tiny", "gpt2-tiny", "qwen2-tiny"}) {
            try (var h = new ForwardHarness(Fixtures.path("tiny/" + m + "/" + m + "-f32.gguf"), 1)) {
                assertThat(h.transformer.weights().ropeFreqs()).as(m).isNull();
            }
        }
    }

    private static void load(Path p) throws Exception {
        try (var h = new ForwardHarness(p, 1)) {
            assertThat(h).as("loaded").isNull();
        }
    }

    /** The fixture with one tensor replaced ({@code edit} returns the new one) or dropped (null). */
    private Path rewrite(String model, String tensor, UnaryOperator<TensorView> edit) throws Exception {
        Path src = Fixtures.path("arch/" + model + "/" + model + "-f32.gguf"), out = tmp.resolve("bad.gguf");
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter().putAll(f.metadata());
            boolean found = false;
            for (GgufTensorInfo i : f.tensorInfos()) {
                TensorView t = f.tensor(i.name());
                if (i.name().equals(tensor)) {
                    found = true;
                    t = edit.apply(t);
                    if (t == null) continue;
                }
                w.addTensor(t.name(), t.type(), t.shape(), t.data());
            }
            assertThat(found).as(tensor).isTrue();
            w.write(out);
        }
        return out;
    }
}
