package dev.bantam.cli;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.server.BantamServer;
import dev.bantam.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
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

    @Option(names = "--max-body-mib", paramLabel = "N", defaultValue = "8", description = "Request bodies over N MiB get 413 (default: 8).")
    int maxBodyMib;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "A client must send each request (line, headers, body) within this, and may stay idle no longer; else its connection is closed (default: 30).")
    int readTimeout;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "A request still generating this long after it arrived ends with 504 (default: 600; 0: no deadline).")
    int requestTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_CONNECTIONS,
            description = "Open connections at most; more wait to be accepted (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-tokens-limit", paramLabel = "N",
            description = "The largest max_tokens a request may ask for; more get 400 (default: the context size).")
    int maxTokensLimit;

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) throw new UsageException("--parallel must be >= 1, got " + parallel);
        if (contextSize != null && contextSize < 1) throw new UsageException("-c must be >= 1, got " + contextSize);
        if (maxBodyMib < 1) throw new UsageException("--max-body-mib must be >= 1, got " + maxBodyMib);
        if (backendOption.precision != null) throw new UsageException("--precision is not supported by serve");
        ServerConfig config;
        try {
            config = new ServerConfig(host, port, queue, apiKey, (long) maxBodyMib << 20, Duration.ofSeconds(readTimeout),
                    Duration.ofSeconds(requestTimeout), maxConnections, maxTokensLimit);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        InferenceBackend backend = backendOption.backend();
        var path = backendOption.modelOption.resolve();
        TextModels.requireOutputLayer(path);
        var options = backendOption.withKvType(backend, new SessionOptions(backendOption.threads(), contextSize == null ? 0 : contextSize, parallel));
        System.err.println("bantam: loading " + path.getFileName() + " on " + backend.id() + " (" + parallel + " slots, "
                + (backend.batchesSlots() ? "batched" : "one session per slot, not batched") + ")");
        try (BantamServer server = BantamServer.start(config, () -> BantamServer.open(path, backend, options))) {
            System.err.println("bantam: serving " + server.modelId() + " at http://" + host + ":" + server.port() + "/v1");
            server.await();
        }
        return 0;
    }
}
