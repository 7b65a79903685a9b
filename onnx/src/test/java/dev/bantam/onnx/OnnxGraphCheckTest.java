package dev.bantam.onnx;

import dev.bantam.core.format.ModelFormatException;
import dev.bantam.onnx.proto.OnnxProto.ModelProto;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two graphs of issue 17's mutation run that crashed ONNX Runtime are refused in Java, a valid one passes. */
class OnnxGraphCheckTest {
    @TempDir
    Path tmp;

    @Test
    void aValidGraphPassesAndTheCrashingMutantsAreRefused() throws Exception {
        Path valid = Fixtures.path("game/trained-llama/model.onnx");
        assertThatCode(() -> OnnxGraphCheck.check(valid)).doesNotThrowAnyException();
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(valid));

        ModelProto.Builder cut = model.toBuilder();
        var init = cut.getGraphBuilder().getInitializerBuilder(0);
        init.setRawData(init.getRawData().substring(0, init.getRawData().size() / 2));
        Path cutFile = tmp.resolve("cut.onnx");
        Files.write(cutFile, cut.build().toByteArray());
        assertThatThrownBy(() -> OnnxGraphCheck.check(cutFile)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("cut.onnx").hasMessageContaining("initializer " + init.getName()).hasMessageContaining("bytes");

        ModelProto.Builder empty = model.toBuilder();
        empty.getGraphBuilder().getNodeBuilder(0).addInput("");
        Path emptyFile = tmp.resolve("empty.onnx");
        Files.write(emptyFile, empty.build().toByteArray());
        assertThatThrownBy(() -> OnnxGraphCheck.check(emptyFile)).isInstanceOf(ModelFormatException.class).hasMessageContaining("last input");

        ModelProto.Builder undefined = model.toBuilder();
        int reader = 0;
        while (undefined.getGraph().getNode(reader).getInputCount() == 0) reader++;
        undefined.getGraphBuilder().getNodeBuilder(reader).setInput(0, "nothing_defines_this");
        Path undefinedFile = tmp.resolve("undefined.onnx");
        Files.write(undefinedFile, undefined.build().toByteArray());
        assertThatThrownBy(() -> OnnxGraphCheck.check(undefinedFile)).isInstanceOf(ModelFormatException.class).hasMessageContaining("nothing_defines_this");
    }
}
