package dev.bantam.core.gguf;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GgufRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"tiny/gpt2-tiny/gpt2-tiny-q8_0.gguf", "tiny/llama-spm-tiny/llama-spm-tiny-f32.gguf",
            "tiny/qwen2-tiny/qwen2-tiny-bf16.gguf", "tiny/llama-256/llama-256-f16.gguf"})
    void readWriteReadKeepsMetadataAndTensorBytes(String fixture) throws Exception {
        Path copy = tmp.resolve("copy.gguf");
        try (GgufFile original = GgufFile.open(Fixtures.path(fixture))) {
            GgufWriter writer = new GgufWriter().putAll(original.metadata());
            for (GgufTensorInfo t : original.tensorInfos()) writer.addTensor(t.name(), t.type(), t.shape(), original.tensor(t.name()).data());
            writer.write(copy);

            try (GgufFile reread = GgufFile.open(copy)) {
                assertThat(reread.metadata().asMap().keySet()).containsExactlyElementsOf(original.metadata().asMap().keySet());
                original.metadata().asMap().forEach((key, value) ->
                        assertThat(reread.metadata().get(key).orElseThrow().sameAs(value)).as(key).isTrue());
                assertThat(reread.tensorInfos()).hasSameSizeAs(original.tensorInfos());
                for (GgufTensorInfo t : original.tensorInfos()) {
                    var a = original.tensor(t.name());
                    var b = reread.tensor(t.name());
                    assertThat(b.type()).isEqualTo(a.type());
                    assertThat(b.shape()).isEqualTo(a.shape());
                    assertThat(b.data().toArray(ValueLayout.JAVA_BYTE)).as(t.name()).isEqualTo(a.data().toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
    }
}
