package dev.bantam.server;

import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** The server listens before the model is loaded: /health says 503 (and the API refuses) until the model is ready, then 200. */
class HealthWhileLoadingTest {
    @Test
    void healthIs503WhileLoadingAnd200WhenReady() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CountDownLatch listening = new CountDownLatch(1), loaded = new CountDownLatch(1);
        // the loader runs on start's thread once the listener is up; it waits until the test has seen 503
        var started = CompletableFuture.supplyAsync(() -> {
            try {
                return BantamServer.start(new ServerConfig("127.0.0.1", port, 4, null, 1 << 16), () -> {
                    listening.countDown();
                    loaded.await();
                    return BantamServer.open(Fixtures.defaultModel("austen-llama-7m"), new CpuBackend(), new SessionOptions(1, 64, 1));
                });
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        try {
            listening.await();
            HttpResponse<String> loading = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(loading.statusCode()).isEqualTo(503);
            assertThat(loading.body()).contains("loading");
            HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(models.statusCode()).isEqualTo(503);
            assertThat(models.body()).contains("\"error\"");
        } finally {
            loaded.countDown();
        }
        try (BantamServer server = started.get()) {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("ok");
        }
    }

    /** A loader that fails with an Error (as a class missing from a jlinked runtime did) stops the listener instead of leaving it at "loading". */
    @Test
    void aLoaderThatFailsWithAnErrorStopsTheListener() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        var config = new ServerConfig("127.0.0.1", port, 4, null, 1 << 16);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BantamServer.start(config, () -> {
            throw new NoClassDefFoundError("java/beans/IntrospectionException");
        })).isInstanceOf(NoClassDefFoundError.class);
        try (ServerSocket again = new ServerSocket(port, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).as("the port is free again").isEqualTo(port);
        }
    }
}
