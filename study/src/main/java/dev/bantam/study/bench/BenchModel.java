package dev.bantam.study.bench;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.ModelFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code bantam bench} reads from a GGUF file itself, opened for its metadata only (the
 * backend under test loads the weights): the model's description for each result line, its
 * context length, and the tensor table and KV-cache shape from which the roofline's bytes per
 * decoded token follow.
 */
public record BenchModel(ModelInfo info, int contextLength, List<GgufTensorInfo> tensors, int layers, int kvDim) {
    public BenchModel {
        tensors = List.copyOf(tensors);
    }

    public static BenchModel read(Path path) throws IOException {
        try (ModelFile model = ModelFile.open(path)) {
            GgufFile file = model.gguf();
            ModelConfig config = model.config();
            return new BenchModel(ModelInfo.of(file), config.contextLength(), List.copyOf(file.tensorInfos()), config.layers(), config.kvDim());
        }
    }

    /** The bytes one decode step of {@code test} reads from memory ({@link BytesPerToken}). */
    public double bytesPerToken(BenchTest test) {
        return BytesPerToken.of(tensors, layers, kvDim, test.averageKvPositions()).total();
    }
}
