package dev.bantam.server;

import java.time.Duration;

/**
 * How {@code bantam serve} listens and admits requests.
 *
 * @param queue          requests that may wait for a slot; more get 429
 * @param apiKey         null: no authentication; otherwise {@code Authorization: Bearer KEY} is required
 * @param maxBodyBytes   request bodies larger than this get 413
 * @param readTimeout    how long a client may take to send a request (request line, headers and body),
 *                       and how long an idle connection stays open; a slower one is closed ({@link SlowClientGuard})
 * @param requestTimeout how long a request may take from its arrival to its last token, waiting in
 *                       the queue included; past it the request ends with 504 ({@link RequestDeadline}).
 *                       {@link Duration#ZERO}: no deadline
 * @param maxConnections open connections at most; more wait in the listen backlog until one closes
 * @param maxTokens      the largest {@code max_tokens} a request may ask for (more get 400); 0: the slot's context size
 */
public record ServerConfig(String host, int port, int queue, String apiKey, long maxBodyBytes,
                           Duration readTimeout, Duration requestTimeout, int maxConnections, int maxTokens) {
    public static final long DEFAULT_MAX_BODY = 8L << 20;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 512;

    public ServerConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        if (queue < 1) throw new IllegalArgumentException("--queue must be >= 1, got " + queue);
        if (maxBodyBytes < 1) throw new IllegalArgumentException("the body limit must be >= 1 byte");
        if (readTimeout.isNegative() || readTimeout.isZero()) throw new IllegalArgumentException("--read-timeout must be > 0 seconds, got " + readTimeout.toSeconds());
        if (requestTimeout.isNegative()) throw new IllegalArgumentException("--request-timeout must be >= 0 seconds, got " + requestTimeout.toSeconds());
        if (maxConnections < 1) throw new IllegalArgumentException("--max-connections must be >= 1, got " + maxConnections);
        if (maxTokens < 0) throw new IllegalArgumentException("--max-tokens-limit must be >= 0, got " + maxTokens);
    }

    /** The default limits for everything but the queue, the key and the body size. */
    public ServerConfig(String host, int port, int queue, String apiKey, long maxBodyBytes) {
        this(host, port, queue, apiKey, maxBodyBytes, DEFAULT_READ_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS, 0);
    }
}
