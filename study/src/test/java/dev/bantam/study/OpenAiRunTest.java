package dev.bantam.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The openai backend against a small streaming server that speaks the OpenAI completions
 * protocol as llama.cpp's server does (SSE chunks, then usage, then [DONE]), with a known delay
 * before the first chunk and between chunks.
 */
class OpenAiRunTest {
    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/v1/completions", exchange -> {
            JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
            requests.add(body);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (var out = exchange.getResponseBody()) {
                sleep(30); // "prefill"
                int n = body.get("max_tokens").asInt();
                for (int i = 0; i < n; i++) {
                    if (i > 0) sleep(5);
                    send(out, "{\"choices\":[{\"index\":0,\"text\":\"t" + i + "\"}]}");
                }
                send(out, "{\"choices\":[],\"usage\":{\"prompt_tokens\":" + body.get("prompt").size() + ",\"completion_tokens\":" + n + "}}");
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/broken/v1/completions", exchange -> {
            byte[] msg = "{\"error\":\"model not loaded\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, msg.length);
            exchange.getResponseBody().write(msg);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void measuresTtftAndDecodeFromTheStream() throws Exception {
        var outcomes = run("http://127.0.0.1:" + server.getAddress().getPort());
        assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o.outcome().status()).isEqualTo(RunOutcome.Status.OK));
        RunOutcome batch = outcomes.get(1).outcome();
        // 3 concurrent requests, 1 + 6 tokens each: 6 decode tokens per request from the server's usage
        assertThat(batch.decodeTokens()).isEqualTo(18);
        assertThat(batch.prefillNs()).isGreaterThanOrEqualTo(30_000_000L);
        assertThat(batch.decodeNs()).isGreaterThanOrEqualTo(6 * 5_000_000L);
        assertThat(batch.stepNs()).hasSize(3 * 6);
        assertThat(requests).hasSize(4);
        JsonNode r = requests.getLast();
        assertThat(r.get("max_tokens").asInt()).isEqualTo(7);
        assertThat(r.get("prompt").size()).isEqualTo(10);
        assertThat(r.get("ignore_eos").asBoolean()).isTrue();
        assertThat(r.get("stream").asBoolean()).isTrue();
        assertThat(r.get("model").asText()).isEqualTo("served-model");
    }

    @Test
    void aServerErrorIsAFailedRunWithTheStatus() throws Exception {
        var outcomes = run("http://127.0.0.1:" + server.getAddress().getPort() + "/broken");
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.outcome().status()).isEqualTo(RunOutcome.Status.FAILED);
            assertThat(o.outcome().error()).contains("HTTP 503").contains("model not loaded");
            assertThat(o.outcome().prefillNs()).isNull();
        });
    }

    private List<WorkerProtocol.Event> run(String url) throws Exception {
        var runs = List.of(new RunRequest(0, "one", 1, 10, 6, false, 1), new RunRequest(1, "three", 3, 10, 6, false, 1));
        var job = new WorkerJob("openai", Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf").toString(), java.util.Map.of(),
                1, 64, 3, 5, runs, 0, null, url, "served-model");
        var bytes = new ByteArrayOutputStream();
        StudyWorker.run(job, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().map(WorkerProtocol::parse).flatMap(java.util.Optional::stream)
                .filter(e -> e.event().equals("result")).toList();
    }

    private static void send(java.io.OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
