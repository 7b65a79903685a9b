package dev.bantam.game;

import dev.bantam.core.cpu.Model;
import dev.bantam.core.model.Weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads the transformer backbone of a heads file ({@link HeadsFormat}) on the CPU engine, for
 * {@link EngineEvaluator}. A heads file's missing {@code output.weight} means the backbone ends at
 * the final norm, not an output tied to the embedding as in a plain GGUF (docs/game-heads.md): that
 * rule belongs to this format, so it is asked for here rather than guessed by the core.
 */
public final class GameModel {
    private GameModel() {}

    public static Model load(Path path, int threads) throws IOException {
        return Model.load(path, threads, Weights.AbsentOutput.NONE);
    }
}
