package dev.bantam.game;

import java.util.List;
import java.util.ServiceLoader;

/** The registry of game backends: every {@link EvaluatorProvider} on the class path, by backend id. */
public final class PositionEvaluators {
    private PositionEvaluators() {}

    /** Every provider, in service-loader order (the order help and errors list them in). */
    public static List<EvaluatorProvider> all() {
        return ServiceLoader.load(EvaluatorProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The game-backend ids, in service-loader order. */
    public static List<String> backendIds() {
        return all().stream().map(EvaluatorProvider::backendId).toList();
    }

    /**
     * The provider for {@code backendId}, checked to be able to run here.
     *
     * @throws GameBackendException when no provider has that id, or its backend is not available
     */
    public static EvaluatorProvider forBackend(String backendId) {
        List<EvaluatorProvider> all = all();
        EvaluatorProvider provider = all.stream().filter(p -> p.backendId().equals(backendId)).findFirst()
                .orElseThrow(() -> new GameBackendException("--backend " + backendId + " is not a game backend (expected one of "
                        + all.stream().map(EvaluatorProvider::backendId).toList() + ")"));
        var availability = provider.availability();
        if (!availability.available()) throw new GameBackendException("--backend " + backendId + " is not available here: " + availability.reason());
        return provider;
    }
}
