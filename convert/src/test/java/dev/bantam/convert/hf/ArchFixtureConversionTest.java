package dev.bantam.convert.hf;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Converting each {@code fixtures/arch/NAME/hf} gives the fixture's GGUF: llama31-tiny and
 * phi3-tiny were written by llama.cpp's converter (llama31's rope_freqs corrected in place, spec
 * architectures.md §7), qwen3-tiny and gemma3-tiny by gguf-py with llama.cpp's names.
 */
class ArchFixtureConversionTest {
    /** The naming keys that depend on where and by whom a file was written, not on the model. */
    private static final Set<String> NAMING = Set.of("general.name", "general.type", "general.size_label",
            "general.basename", "general.finetune", "general.quantization_version");
    /** Written by llama.cpp's converter itself: its tensor order is part of what is reproduced. */
    private static final Set<String> BY_LLAMA_CPP = Set.of("llama31-tiny", "phi3-tiny");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"})
    void everyTensorEqualsTheFixtureByteForByte(String name) throws Exception {
        Path ours = Conversions.convert(Fixtures.path("arch/" + name + "/hf"), tmp.resolve(name + ".gguf"), null);
        try (GgufFile mine = GgufFile.open(ours); GgufFile theirs = GgufFile.open(Fixtures.path("arch/" + name + "/" + name + "-f32.gguf"))) {
            List<String> myNames = mine.tensorInfos().stream().map(GgufTensorInfo::name).toList();
            List<String> theirNames = theirs.tensorInfos().stream().map(GgufTensorInfo::name).toList();
            if (BY_LLAMA_CPP.contains(name)) {
                assertThat(myNames).as("tensor order").containsExactlyElementsOf(theirNames);
            } else {
                assertThat(myNames).as("tensor names").containsExactlyInAnyOrderElementsOf(theirNames);
            }
            for (String t : theirNames) {
                TensorView a = mine.tensor(t), b = theirs.tensor(t);
                assertThat(a.type()).as(t).isEqualTo(b.type());
                assertThat(a.shape()).as(t).containsExactly(b.shape());
                float[] x = dev.bantam.core.kernels.Kernels.toFloatArray(a), y = dev.bantam.core.kernels.Kernels.toFloatArray(b);
                double maxDiff = 0;
                for (int i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
                assertThat(maxDiff).as("%s max |Δ|", t).isZero();
                assertThat(a.data().toArray(ValueLayout.JAVA_BYTE)).as("%s bytes", t).isEqualTo(b.data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"})
    void metadataKeysAndValuesMatchApartFromNaming(String name) throws Exception {
        Path ours = Conversions.convert(Fixtures.path("arch/" + name + "/hf"), tmp.resolve(name + ".gguf"), null);
        try (GgufFile mine = GgufFile.open(ours); GgufFile theirs = GgufFile.open(Fixtures.path("arch/" + name + "/" + name + "-f32.gguf"))) {
            Map<String, GgufValue> a = mine.metadata().asMap(), b = theirs.metadata().asMap();
            Set<String> onlyOurs = new TreeSet<>(a.keySet()), onlyTheirs = new TreeSet<>(b.keySet());
            onlyOurs.removeAll(b.keySet());
            onlyTheirs.removeAll(a.keySet());
            onlyOurs.removeAll(NAMING);
            onlyTheirs.removeAll(NAMING);
            assertThat(onlyOurs).as("keys only in the converted file").isEmpty();
            assertThat(onlyTheirs).as("keys only in the fixture").isEmpty();
            List<String> differing = new ArrayList<>();
            for (String k : b.keySet()) {
                if (NAMING.contains(k) || !a.containsKey(k)) continue;
                if (!a.get(k).sameAs(b.get(k))) differing.add(k + ": " + a.get(k).display() + " vs " + b.get(k).display());
            }
            assertThat(differing).as("keys whose type or value differ").isEmpty();
        }
    }
}
