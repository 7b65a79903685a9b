package dev.bantam.cli;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.model.UnsupportedModelException;
import dev.bantam.game.PolicyValueHeads;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The text commands' guard against game networks. The loading seam follows llama.cpp (a file without
 * {@code output.weight} has its output tied to the embedding), and core knows nothing of games; a
 * policy/value network from {@code convert-game} has no output layer, so tying would give
 * meaningless logits. The CLI, which knows both, refuses it before any backend opens it.
 */
final class TextModels {
    private TextModels() {}

    static void requireOutputLayer(Path model) throws IOException {
        if (!model.getFileName().toString().endsWith(".gguf") && !GgufFile.looksLikeGguf(model)) return;
        try (GgufFile file = GgufFile.open(model)) {
            if (PolicyValueHeads.present(file) && !file.hasTensor("output.weight")) {
                throw new UnsupportedModelException(model.getFileName() + ": this model has policy/value heads and no output layer: "
                        + "it evaluates game positions (bantam play, bantam game-bench), it does not generate text");
            }
        }
    }
}
