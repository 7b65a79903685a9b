package dev.bantam.cli;

import dev.bantam.game.EvaluatorOptions;
import dev.bantam.game.EvaluatorProvider;
import dev.bantam.game.GameBackendException;
import dev.bantam.game.OpenedEvaluator;
import dev.bantam.game.PositionEvaluators;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * The game commands' side of {@link PositionEvaluators}: resolves {@code -m} (an embedded model or
 * a path) and turns the game module's one-line errors into usage errors.
 */
final class GameEvaluators {
    private GameEvaluators() {}

    /** The registered game-backend ids, for picocli's {@code ${COMPLETION-CANDIDATES}} in help. */
    static final class BackendIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() { return PositionEvaluators.backendIds().iterator(); }
    }

    /** Opens {@code modelName} on {@code backend} with prefix reuse on or off. */
    static OpenedEvaluator open(String modelName, String backend, boolean prefixReuse, int threads, String recordStart) throws IOException {
        return open(modelName, backend, provider -> prefixReuse, threads, recordStart);
    }

    /** Opens {@code modelName} on {@code backend}, reusing prefixes where the backend can (a search's best setting). */
    static OpenedEvaluator openForSearch(String modelName, String backend, int threads, String recordStart) throws IOException {
        return open(modelName, backend, EvaluatorProvider::supportsPrefixReuse, threads, recordStart);
    }

    private static OpenedEvaluator open(String modelName, String backend, Predicate<EvaluatorProvider> prefixReuse, int threads, String recordStart)
            throws IOException {
        // the file first: a missing model is reported before anything about the backend
        Path path = ModelOption.resolve(modelName);
        try {
            EvaluatorProvider provider = PositionEvaluators.forBackend(backend);
            return provider.open(path, modelName, new EvaluatorOptions(prefixReuse.test(provider), threads, recordStart));
        } catch (GameBackendException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
