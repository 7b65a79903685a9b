package dev.bantam.server;

/**
 * How {@code bantam serve} listens and admits requests.
 *
 * @param queue        requests that may wait for a slot; more get 429
 * @param apiKey       null: no authentication; otherwise {@code Authorization: Bearer KEY} is required
 * @param maxBodyBytes request bodies larger than this get 413
 */
public record ServerConfig(String host, int port, int queue, String apiKey, long maxBodyBytes) {
    public static final long DEFAULT_MAX_BODY = 8L << 20;

    public ServerConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        if (queue < 1) throw new IllegalArgumentException("--queue must be >= 1, got " + queue);
        if (maxBodyBytes < 1) throw new IllegalArgumentException("the body limit must be >= 1 byte");
    }
}
