package dev.bantam.cli;

import dev.bantam.game.EngineEvaluator;
import dev.bantam.game.GameModel;
import dev.bantam.game.PolicyValueHeads;
import dev.bantam.game.PositionEvaluator;
import dev.bantam.game.RecordFormat;
import dev.bantam.core.cpu.Model;
import dev.bantam.game.OnnxGameEvaluator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Opens a policy/value network for the game commands: a GGUF with heads on Bantam's engine, or a user's ONNX file on ONNX Runtime. */
final class GameEvaluators {
    static final List<String> BACKENDS = List.of("cpu", "onnx-cpu");

    private GameEvaluators() {}

    /** An evaluator and what it holds open. */
    record Opened(PositionEvaluator evaluator, AutoCloseable owner, String description) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            evaluator.close();
            if (owner != null) owner.close();
        }
    }

    /**
     * @param recordStart for ONNX files, which carry no metadata: the text before the first move
     */
    static Opened open(String modelName, String backend, boolean prefixReuse, int threads, String recordStart) throws IOException {
        Path path = ModelOption.resolve(modelName);
        boolean onnxFile = path.getFileName().toString().endsWith(".onnx");
        switch (backend) {
            case "cpu" -> {
                if (onnxFile) throw new UsageException(modelName + ": an ONNX file runs on --backend onnx-cpu (or convert the safetensors with bantam convert-game)");
                Model model = GameModel.load(path, threads);
                if (!PolicyValueHeads.present(model.file())) {
                    model.close();
                    throw new UsageException(modelName + ": has no policy/value heads (expected a GGUF from bantam convert-game)");
                }
                EngineEvaluator e = new EngineEvaluator(model, prefixReuse);
                return new Opened(e, model, "cpu" + (prefixReuse ? " (prefix reuse)" : " (full recompute)"));
            }
            case "onnx-cpu" -> {
                if (!onnxFile) throw new UsageException(modelName + ": --backend onnx-cpu runs a policy/value network's .onnx file");
                if (prefixReuse) throw new UsageException("--backend onnx-cpu recomputes every record: the ONNX graph has no KV cache");
                RecordFormat format = new RecordFormat(recordStart, " ");
                return new Opened(new OnnxGameEvaluator(path, format, threads), null, "onnx-cpu (full recompute)");
            }
            default -> throw new UsageException("--backend " + backend + " is not a game backend (expected one of " + BACKENDS + ")");
        }
    }
}
