package dev.bantam.game;

import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.cpu.Model;

import java.io.IOException;
import java.nio.file.Path;

/** Game backend {@code cpu}: a GGUF with policy/value heads (bantam convert-game) on Bantam's engine, with or without KV-prefix reuse. */
public final class EngineEvaluatorProvider implements EvaluatorProvider {
    @Override
    public String backendId() { return CpuBackend.ID; }

    @Override
    public boolean supportsPrefixReuse() { return true; }

    @Override
    public OpenedEvaluator open(Path file, String name, EvaluatorOptions options) throws IOException {
        if (OnnxEvaluatorProvider.isOnnxFile(file)) {
            throw new GameBackendException(name + ": an ONNX file runs on --backend onnx-cpu (or convert the safetensors with bantam convert-game)");
        }
        Model model = GameModel.load(file, options.threads());
        // checked before the evaluator reads the heads, so a plain language model gets a one-line answer
        if (!PolicyValueHeads.present(model.file())) {
            model.close();
            throw new GameBackendException(name + ": has no policy/value heads (expected a GGUF from bantam convert-game)");
        }
        boolean reuse = options.prefixReuse();
        return new OpenedEvaluator(new EngineEvaluator(model, reuse), model, backendId() + (reuse ? " (prefix reuse)" : " (full recompute)"));
    }
}
