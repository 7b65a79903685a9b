package dev.bantam.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.testing.Fixtures;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A real {@code bantam serve} on a free loopback port (over the embedded austen-llama-7m unless told), and a plain HTTP client for it. */
final class ServerFixture implements AutoCloseable {
    final BantamServer server;
    final HttpClient http = HttpClient.newHttpClient();
    /** The official OpenAI client, pointed at this server. */
    final OpenAIClient openAi;

    ServerFixture(int parallel, int queue, String apiKey, int context) throws Exception {
        this(Fixtures.defaultModel("austen-llama-7m"), parallel, queue, apiKey, context);
    }

    ServerFixture(Path model, int parallel, int queue, String apiKey, int context) throws Exception {
        this(model, new ServerConfig("127.0.0.1", 0, queue, apiKey, 1 << 16), new SessionOptions(2, context, parallel));
    }

    ServerFixture(ServerConfig config, SessionOptions options) throws Exception {
        this(Fixtures.defaultModel("austen-llama-7m"), config, options);
    }

    ServerFixture(Path model, ServerConfig config, SessionOptions options) throws Exception {
        server = BantamServer.start(config, () -> BantamServer.open(model, new CpuBackend(), options));
        openAi = OpenAIOkHttpClient.builder().baseUrl(base() + "/v1").apiKey("unused").build();
    }

    String base() { return "http://127.0.0.1:" + server.port(); }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of an unlabelled metric line. */
    double metric(String name) throws Exception {
        for (String line : get("/metrics").body().lines().toList()) {
            if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1));
        }
        throw new AssertionError("no metric " + name);
    }

    @Override
    public void close() {
        openAi.close();
        server.close();
    }
}
