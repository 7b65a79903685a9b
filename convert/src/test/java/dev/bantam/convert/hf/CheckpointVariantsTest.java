package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.convert.SafetensorsFile;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config styles and checkpoint layouts that must give the same file, and checkpoints refused with one line naming the problem. */
class CheckpointVariantsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A writable copy of a fixture's hf/ folder. */
    private Path copy(String fixture) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(fixture));
        try (Stream<Path> files = Files.list(Fixtures.path("arch/" + fixture + "/hf"))) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }

    private static void editConfig(Path dir, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(c);
        Files.writeString(dir.resolve("config.json"), c.toPrettyString());
    }

    /** Rewrites model.safetensors keeping the tensors {@code keep} accepts, plus {@code extra}. */
    private static void editWeights(Path dir, Predicate<String> keep, SafetensorsTestWriter.Entry... extra) throws Exception {
        SafetensorsTestWriter w = new SafetensorsTestWriter();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            for (var t : f.all().values()) if (keep.test(t.name())) w.add(t.name(), t.dtype(), t.shape(), t.toFloats());
        }
        for (var e : extra) w.add(e.name(), e.dtype(), e.shape(), e.values());
        Path tmpFile = dir.resolve("new.safetensors");
        w.write(tmpFile);
        Files.move(tmpFile, dir.resolve("model.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static HfConverter plan(Path dir) throws Exception {
        return HfConverter.plan(dir, new HfConverter.Options(null, false, false));
    }

    private void assertSameFile(Path a, Path b) throws Exception {
        try (GgufFile x = GgufFile.open(a); GgufFile y = GgufFile.open(b)) {
            assertThat(x.tensorInfos().stream().map(GgufTensorInfo::name).toList()).isEqualTo(y.tensorInfos().stream().map(GgufTensorInfo::name).toList());
            for (GgufTensorInfo t : y.tensorInfos()) {
                assertThat(x.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE)).as(t.name()).isEqualTo(y.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE));
            }
            for (var e : y.metadata().asMap().entrySet()) {
                if (e.getKey().equals("general.name")) continue; // the folder's name
                assertThat(x.metadata().get(e.getKey())).as(e.getKey()).hasValueSatisfying(v -> assertThat(v.sameAs(e.getValue())).as(e.getKey()).isTrue());
            }
            assertThat(x.metadata().asMap().keySet()).isEqualTo(y.metadata().asMap().keySet());
        }
    }

    @Test
    void transformers4AndTransformers5ConfigsGiveTheSameFile() throws Exception {
        for (String fixture : new String[] {"llama31-tiny", "gemma3-tiny", "phi3-tiny"}) {
            Path both = Conversions.convert(Fixtures.path("arch/" + fixture + "/hf"), tmp.resolve(fixture + "-both.gguf"), null);
            Path v4 = copy(fixture);
            editConfig(v4, c -> c.remove(java.util.List.of("rope_parameters", "layer_types")));
            assertSameFile(Conversions.convert(v4, tmp.resolve(fixture + "-v4.gguf"), null), both);
            Path v5 = Files.createDirectories(tmp.resolve(fixture + "-v5"));
            try (Stream<Path> files = Files.list(v4)) { for (Path f : files.toList()) Files.copy(f, v5.resolve(f.getFileName())); }
            editConfig(v5, c -> {
                try {
                    ObjectNode orig = (ObjectNode) JSON.readTree(Fixtures.path("arch/" + fixture + "/hf/config.json").toFile());
                    c.setAll(orig);
                } catch (Exception e) { throw new RuntimeException(e); }
                c.remove(java.util.List.of("rope_theta", "rope_scaling", "rope_local_base_freq", "_sliding_window_pattern"));
            });
            assertSameFile(Conversions.convert(v5, tmp.resolve(fixture + "-v5.gguf"), null), both);
        }
    }

    /** Gemma 3's multimodal class: the language model under model.language_model., its settings in text_config, the vision tower dropped. */
    @Test
    void multimodalGemma3GivesItsTextModel() throws Exception {
        Path dir = copy("gemma3-tiny");
        ObjectNode text = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        ObjectNode outer = JSON.createObjectNode();
        outer.putArray("architectures").add("Gemma3ForConditionalGeneration");
        outer.put("model_type", "gemma3");
        text.remove(java.util.List.of("architectures", "tie_word_embeddings"));
        text.put("model_type", "gemma3_text");
        outer.set("text_config", text);
        outer.putObject("vision_config").put("hidden_size", 8);
        Files.writeString(dir.resolve("config.json"), outer.toPrettyString());
        SafetensorsTestWriter w = new SafetensorsTestWriter();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            for (var t : f.all().values()) w.add(t.name().replaceFirst("^model\\.", "model.language_model."), t.dtype(), t.shape(), t.toFloats());
        }
        w.add("model.vision_tower.vision_model.embeddings.patch_embedding.weight", SafetensorsFile.Dtype.F32, new long[] {2, 2}, new float[4]);
        w.add("model.multi_modal_projector.mm_input_projection_weight", SafetensorsFile.Dtype.F32, new long[] {2, 2}, new float[4]);
        w.write(dir.resolve("model.safetensors"));
        Path both = Conversions.convert(Fixtures.path("arch/gemma3-tiny/hf"), tmp.resolve("text.gguf"), null);
        assertSameFile(Conversions.convert(dir, tmp.resolve("multimodal.gguf"), null), both);
    }

    @Test
    void llama3RopeContextIsReadInsideRopeScalingThenAtTheTopThen8192() throws Exception {
        Path dir = copy("llama31-tiny");
        editConfig(dir, c -> {
            c.remove("rope_parameters");
            ((ObjectNode) c.get("rope_scaling")).remove("original_max_position_embeddings");
            c.put("original_max_position_embeddings", 128);
        });
        float[] top = ropeFreqs(dir);
        editConfig(dir, c -> c.remove("original_max_position_embeddings"));
        float[] none = ropeFreqs(dir);
        // L = 64 (the fixture), 128, 8192: the band of interpolated wavelengths moves with L
        float[] inside = ropeFreqs(Fixtures.path("arch/llama31-tiny/hf"));
        assertThat(inside).containsExactly(RopeFactors.llama3(500000, 16, 8, 1, 4, 64));
        assertThat(top).containsExactly(RopeFactors.llama3(500000, 16, 8, 1, 4, 128));
        assertThat(none).containsExactly(RopeFactors.llama3(500000, 16, 8, 1, 4, 8192));
        assertThat(inside).isNotEqualTo(top);
        assertThat(top).isNotEqualTo(none);
    }

    private float[] ropeFreqs(Path dir) throws Exception {
        Path out = Conversions.convert(dir, tmp.resolve("rope-" + System.nanoTime() + ".gguf"), null);
        try (GgufFile f = GgufFile.open(out)) {
            return dev.bantam.core.kernels.Kernels.toFloatArray(f.tensor("rope_freqs.weight"));
        }
    }

    @Test
    void anUnknownArchitectureIsNamed() throws Exception {
        Path dir = copy("llama31-tiny");
        editConfig(dir, c -> c.putArray("architectures").add("FalconForCausalLM"));
        assertThatThrownBy(() -> plan(dir)).isInstanceOf(HfFormatException.class)
                .hasMessage("config.json: architectures entry 'FalconForCausalLM' is not supported; supported: " + HfArchitectures.supported());
    }

    @Test
    void aMissingTensorIsNamedWithItsGgufName() throws Exception {
        Path dir = copy("llama31-tiny");
        editWeights(dir, n -> !n.equals("model.layers.1.self_attn.q_proj.weight"));
        assertThatThrownBy(() -> plan(dir)).isInstanceOf(HfFormatException.class)
                .hasMessage(dir + ": tensor model.layers.1.self_attn.q_proj.weight is missing (it becomes blk.1.attn_q.weight)");
    }

    @Test
    void anUntiedModelNeedsItsOutputMatrix() throws Exception {
        Path dir = copy("phi3-tiny");
        editWeights(dir, n -> !n.equals("lm_head.weight"));
        assertThatThrownBy(() -> plan(dir)).hasMessageEndingWith("tensor lm_head.weight is missing (it becomes output.weight)");
    }

    @Test
    void aTensorWithNoGgufNameIsNamed() throws Exception {
        Path dir = copy("qwen3-tiny");
        editWeights(dir, n -> true, new SafetensorsTestWriter.Entry("model.layers.0.mlp.router.weight", SafetensorsFile.Dtype.F32, new long[] {2}, new float[2]));
        assertThatThrownBy(() -> plan(dir)).isInstanceOf(HfFormatException.class)
                .hasMessage(dir + ": tensor model.layers.0.mlp.router.weight has no GGUF name for Qwen3ForCausalLM (architecture qwen3)");
    }

    @Test
    void gemma3LayerPatternsThatGgufCannotHoldAreRefused() throws Exception {
        Path dir = copy("gemma3-tiny");
        editConfig(dir, c -> ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("layer_types")).set(0, "full_attention"));
        assertThatThrownBy(() -> plan(dir)).hasMessage("config.json: layer_types[0] is full_attention; GGUF's gemma3 needs sliding_attention (sliding iff i mod 6 < 5)");
        editConfig(dir, c -> {
            c.remove("layer_types");
            c.put("query_pre_attn_scalar", 64);
        });
        assertThatThrownBy(() -> plan(dir)).hasMessage("config.json: query_pre_attn_scalar is 64; GGUF's gemma3 scales attention by 1/sqrt(16)");
    }

    @Test
    void qwenSlidingWindowIsRefused() throws Exception {
        Path dir = copy("qwen3-tiny");
        editConfig(dir, c -> c.put("use_sliding_window", true));
        assertThatThrownBy(() -> plan(dir)).hasMessageContaining("sliding-window layers");
    }
}
