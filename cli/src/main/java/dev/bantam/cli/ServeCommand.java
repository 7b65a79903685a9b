package dev.bantam.cli;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.server.BantamServer;
import dev.bantam.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over an OpenAI-compatible HTTP API with continuous batching:",
                "POST /v1/chat/completions, /v1/completions, /tokenize, /detokenize; GET /v1/models, /health, /metrics."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    BackendOption backendOption;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to listen on (default: 127.0.0.1, this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port (default: 8080; 0 picks a free one).")
    int port;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", defaultValue = "4", description = "Slots: requests decoded together in one batch (default: 4).")
    int parallel;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "Context size of each slot (default: the model's, at most 4096).")
    Integer contextSize;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "64", description = "Requests that may wait for a slot; more get 429 (default: 64).")
    int queue;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require 'Authorization: Bearer KEY' (all endpoints but /health).")
    String apiKey;

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) throw new UsageException("--parallel must be >= 1, got " + parallel);
        if (contextSize != null && contextSize < 1) throw new UsageException("-c must be >= 1, got " + contextSize);
        if (queue < 1) throw new UsageException("--queue must be >= 1, got " + queue);
        if (port < 0 || port > 65535) throw new UsageException("--port must be in [0, 65535], got " + port);
        if (backendOption.precision != null) throw new UsageException("--precision is not supported by serve");
        InferenceBackend backend = backendOption.backend();
        var path = backendOption.modelOption.resolve();
        TextModels.requireOutputLayer(path);
        var options = new SessionOptions(backendOption.threads(), contextSize == null ? 0 : contextSize, parallel);
        ServerConfig config = new ServerConfig(host, port, queue, apiKey, ServerConfig.DEFAULT_MAX_BODY);
        System.err.println("bantam: loading " + path.getFileName() + " on " + backend.id() + " (" + parallel + " slots, "
                + (backend.batchesSlots() ? "batched" : "one session per slot, not batched") + ")");
        try (BantamServer server = BantamServer.start(config, () -> BantamServer.open(path, backend, options))) {
            System.err.println("bantam: serving " + server.modelId() + " at http://" + host + ":" + server.port() + "/v1");
            server.await();
        }
        return 0;
    }
}
