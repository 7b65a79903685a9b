package dev.bantam.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Every limit of bantam serve against a real server: bad input is a 400 naming the field, and nothing a client sends stops it. */
class ServerLimitsTest {
    static ServerFixture f;
    static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"Emma\"}]";

    @BeforeAll
    static void start() throws Exception {
        f = new ServerFixture(1, 1, null, 128);
    }

    @AfterAll
    static void stop() { f.close(); }

    private static void assertError(int status, String param, String path, String body) throws Exception {
        var r = f.post(path, body);
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(r.body()).contains("\"error\"").contains("\"message\"").contains("\"type\"");
        if (param != null) assertThat(r.body()).contains("\"param\":\"" + param + "\"");
    }

    @Test
    void badRequestsAre400sNamingTheField() throws Exception {
        assertError(400, null, "/v1/chat/completions", "{not json");
        assertError(400, "n", "/v1/chat/completions", "{" + USER + ",\"n\":2}");
        assertError(400, "max_tokens", "/v1/chat/completions", "{" + USER + ",\"max_tokens\":0}");
        assertError(400, "max_completion_tokens", "/v1/chat/completions", "{" + USER + ",\"max_completion_tokens\":-3}");
        assertError(400, "temperature", "/v1/chat/completions", "{" + USER + ",\"temperature\":\"hot\"}");
        assertError(400, "stream", "/v1/chat/completions", "{" + USER + ",\"stream\":1}");
        assertError(400, "messages", "/v1/chat/completions", "{\"messages\":\"hi\"}");
        assertError(400, "messages[0].role", "/v1/chat/completions", "{\"messages\":[{\"content\":\"hi\"}]}");
        assertError(400, "prompt", "/v1/completions", "{\"prompt\":\"" + "the ".repeat(400) + "\"}");
        assertError(400, "prompt", "/v1/completions", "{\"prompt\":[-1]}");
        assertError(404, "model", "/v1/chat/completions", "{\"model\":\"gpt-9\"," + USER + "}");
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        var r = f.post("/v1/completions", "{\"prompt\":\"" + "a".repeat(1 << 17) + "\"}");
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void aFullQueueIs429WithRetryAfter() throws Exception {
        // one slot and a queue of one: of many concurrent long requests some must be refused
        List<CompletableFuture<java.net.http.HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.base() + "/v1/completions"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Emma\",\"max_tokens\":60,\"ignore_eos\":true}")).build();
            all.add(f.http.sendAsync(req, java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> codes = new ArrayList<>();
        for (var c : all) {
            var r = c.get();
            codes.add(r.statusCode());
            if (r.statusCode() == 429) assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
        assertThat(codes).contains(200, 429).containsOnly(200, 429);
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsSlot() throws Exception {
        double freedBefore = f.metric("bantam_cancel_to_free_seconds_count");
        String body = "{\"prompt\":\"Emma\",\"max_tokens\":128,\"ignore_eos\":true,\"stream\":true}";
        try (Socket s = new Socket("127.0.0.1", f.server.port())) {
            s.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            int data = 0;
            for (String line; data < 3 && (line = in.readLine()) != null; ) if (line.startsWith("data:")) data++;
            assertThat(data).isEqualTo(3);
            assertThat(f.metric("bantam_busy_slots")).isEqualTo(1);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        // the gauge is refreshed after the step that freed the slot
        while ((f.metric("bantam_cancel_to_free_seconds_count") == freedBefore || f.metric("bantam_busy_slots") > 0) && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(f.metric("bantam_cancel_to_free_seconds_count")).isEqualTo(freedBefore + 1);
        assertThat(f.metric("bantam_busy_slots")).isZero();
        // and the server goes on serving
        assertThat(f.post("/v1/completions", "{\"prompt\":\"Emma\",\"max_tokens\":2}").statusCode()).isEqualTo(200);
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() throws Exception {
        var t = f.post("/tokenize", "{\"content\":\"Mr Darcy\"}");
        assertThat(t.statusCode()).isEqualTo(200);
        String ids = t.body().replaceAll(".*\\[(.*)].*", "$1");
        var d = f.post("/detokenize", "{\"tokens\":[" + ids + "]}");
        assertThat(d.body()).contains("Mr Darcy");
        assertThat(f.get("/health").statusCode()).isEqualTo(200);
        assertThat(f.get("/metrics").body()).contains("bantam_time_to_first_token_seconds_bucket").contains("bantam_kv_cache_capacity_positions");
    }

    @Test
    void anApiKeyIsRequiredWhenSet() throws Exception {
        try (ServerFixture locked = new ServerFixture(1, 1, "sesame", 64)) {
            assertThat(locked.get("/v1/models").statusCode()).isEqualTo(401);
            assertThat(locked.get("/v1/models", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(locked.get("/v1/models", "Authorization", "Bearer sesame").statusCode()).isEqualTo(200);
            assertThat(locked.get("/health").statusCode()).isEqualTo(200);
        }
    }
}
