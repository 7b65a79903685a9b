package dev.bantam.game;

import dev.bantam.onnx.OnnxBackend;

import java.io.IOException;
import java.nio.file.Path;

/** Game backend {@code onnx-cpu}: a user's policy/value {@code .onnx} file on ONNX Runtime's CPU provider, every record recomputed. */
public final class OnnxEvaluatorProvider implements EvaluatorProvider {
    @Override
    public String backendId() { return OnnxBackend.Cpu.ID; }

    /** Such a graph has no KV cache to keep. */
    @Override
    public boolean supportsPrefixReuse() { return false; }

    @Override
    public OpenedEvaluator open(Path file, String name, EvaluatorOptions options) throws IOException {
        if (!isOnnxFile(file)) throw new GameBackendException(name + ": --backend onnx-cpu runs a policy/value network's .onnx file");
        if (options.prefixReuse()) throw new GameBackendException("--backend onnx-cpu recomputes every record: the ONNX graph has no KV cache");
        // the file carries no metadata, so the record format comes from the options
        RecordFormat format = new RecordFormat(options.recordStart(), " ");
        return new OpenedEvaluator(new OnnxGameEvaluator(file, format, options.threads()), null, backendId() + " (full recompute)");
    }

    static boolean isOnnxFile(Path file) {
        return file.getFileName().toString().endsWith(".onnx");
    }
}
