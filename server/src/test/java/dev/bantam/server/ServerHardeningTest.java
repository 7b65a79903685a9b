package dev.bantam.server;

import dev.bantam.core.backend.SessionOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What keeps a client from holding the server: slow requests are cut off, requests end at their
 * deadline, connections and max_tokens are bounded, and Helidon's own refusals have OpenAI's shape.
 * Every exchange is on a raw socket with {@code Connection: close}, so that no pooled connection
 * meets the short read timeout.
 */
class ServerHardeningTest {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    static final int MAX_TOKENS = 32;
    static ServerFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ServerFixture(new ServerConfig("127.0.0.1", 0, 4, null, 1 << 12, READ_TIMEOUT,
                ServerConfig.DEFAULT_REQUEST_TIMEOUT, ServerConfig.DEFAULT_MAX_CONNECTIONS, MAX_TOKENS), new SessionOptions(2, 128, 1));
    }

    @AfterAll
    static void stop() { f.close(); }

    @Test
    void aClientThatSendsItsRequestLineSlowlyIsClosed() throws Exception {
        assertClosedWhileDripping(f, "POST /v1/comp", "letions");
    }

    @Test
    void aClientThatSendsItsHeadersSlowlyIsClosed() throws Exception {
        assertClosedWhileDripping(f, "POST /v1/completions HTTP/1.1\r\nHost: x\r\n", "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    }

    @Test
    void aClientThatSendsItsBodySlowlyIsClosed() throws Exception {
        assertClosedWhileDripping(f, "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n",
                "{\"prompt\":\"" + "a".repeat(150));
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", f.server.port())) {
            s.setSoTimeout(30_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(exchange(f, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
    }

    @Test
    void aKeptAliveConnectionThatGoesOnSendingRequestsStaysOpen() throws Exception {
        // four timeouts' worth of requests on one connection, a quarter timeout apart: only idleness closes it
        try (Socket s = new Socket("127.0.0.1", f.server.port())) {
            s.setSoTimeout(30_000);
            for (int i = 0; i < 16; i++) {
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                assertThat(readResponse(s.getInputStream())).as("request %d", i).startsWith("HTTP/1.1 200");
                Thread.sleep(READ_TIMEOUT.toMillis() / 4);
            }
        }
    }

    @Test
    void maxTokensPastTheLimitIsA400NamingTheField() throws Exception {
        assertThat(post(f, "/v1/completions", "{\"prompt\":\"Emma\",\"max_tokens\":" + (MAX_TOKENS + 1) + "}"))
                .startsWith("HTTP/1.1 400").contains("\"param\":\"max_tokens\"").contains("at most " + MAX_TOKENS);
        assertThat(post(f, "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Emma\"}],\"max_completion_tokens\":1000000}"))
                .startsWith("HTTP/1.1 400").contains("\"param\":\"max_completion_tokens\"");
        assertThat(post(f, "/v1/completions", "{\"prompt\":\"Emma\",\"max_tokens\":" + MAX_TOKENS + "}")).startsWith("HTTP/1.1 200");
    }

    @Test
    void anOversizedBodyIsA413WithAnOpenAiBody() throws Exception {
        String big = "{\"prompt\":\"" + "a".repeat(1 << 13) + "\"}";
        assertThat(post(f, "/v1/completions", big)).startsWith("HTTP/1.1 413")
                .contains("{\"error\":{\"message\":\"the request body is larger than the server's limit of 4096 bytes\"")
                .contains("\"type\":\"invalid_request_error\"");
    }

    @Test
    void anOversizedChunkedBodyIsRefusedWithAnOpenAiBody() throws Exception {
        StringBuilder req = new StringBuilder("POST /v1/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 8; i++) req.append("400\r\n").append("a".repeat(1024)).append("\r\n");
        req.append("0\r\n\r\n");
        String response = exchange(f, req.toString());
        assertThat(response).matches("(?s)HTTP/1.1 (413|400) .*").contains("{\"error\":{\"message\":");
    }

    @Test
    void aMalformedRequestIsA400WithAnOpenAiBody() throws Exception {
        assertThat(exchange(f, "POST /v1/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nNo colon here\r\n\r\n"))
                .startsWith("HTTP/1.1 400").contains("{\"error\":{\"message\":");
    }

    @Test
    void aRequestPastItsDeadlineIsA504AndFreesItsSlot() throws Exception {
        // no reply of hundreds of tokens is generated in a millisecond
        try (ServerFixture quick = new ServerFixture(new ServerConfig("127.0.0.1", 0, 4, null, 1 << 16, ServerConfig.DEFAULT_READ_TIMEOUT,
                Duration.ofMillis(1), ServerConfig.DEFAULT_MAX_CONNECTIONS, 0), new SessionOptions(2, 512, 1))) {
            var r = quick.post("/v1/completions", "{\"prompt\":\"Emma\",\"max_tokens\":500,\"ignore_eos\":true}");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("\"code\":\"timeout\"").contains("deadline of 1 ms");
            var s = quick.post("/v1/completions", "{\"prompt\":\"Emma\",\"max_tokens\":500,\"ignore_eos\":true,\"stream\":true}");
            // either refused before the first event or cut off mid-stream; never a whole reply
            assertThat(s.body()).doesNotContain("[DONE]").contains("\"code\":\"timeout\"");
            long until = System.nanoTime() + 10_000_000_000L;
            while (quick.metric("bantam_busy_slots") > 0 && System.nanoTime() < until) Thread.sleep(10);
            assertThat(quick.metric("bantam_busy_slots")).isZero();
        }
    }

    @Test
    void connectionsPastTheBoundWaitUntilOneCloses() throws Exception {
        try (ServerFixture one = new ServerFixture(new ServerConfig("127.0.0.1", 0, 4, null, 1 << 16, Duration.ofMinutes(5),
                ServerConfig.DEFAULT_REQUEST_TIMEOUT, 1, 0), new SessionOptions(2, 64, 1));
             Socket first = new Socket("127.0.0.1", one.server.port());
             Socket second = new Socket("127.0.0.1", one.server.port())) {
            String health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
            first.getOutputStream().write(health.getBytes(StandardCharsets.UTF_8));
            first.setSoTimeout(30_000);
            assertThat(readResponse(first.getInputStream())).startsWith("HTTP/1.1 200");
            // the first connection stays open (keep-alive): the second is not served meanwhile
            second.getOutputStream().write(health.getBytes(StandardCharsets.UTF_8));
            second.setSoTimeout(1000);
            assertThatThrownBy(() -> second.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            first.close();
            second.setSoTimeout(30_000);
            assertThat(readResponse(second.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    /** Sends {@code start}, then {@code drip} a byte at a time, 100 ms apart; the server must close the connection before the drip ends (a 1 s timeout against 10+ s of dripping). */
    private static void assertClosedWhileDripping(ServerFixture f, String start, String drip) throws Exception {
        try (Socket s = new Socket("127.0.0.1", f.server.port())) {
            s.setSoTimeout(100);
            s.getOutputStream().write(start.getBytes(StandardCharsets.UTF_8));
            boolean closed = false;
            for (int i = 0; i < 100 * drip.length() && !closed; i++) {
                try {
                    s.getOutputStream().write(drip.charAt(i % drip.length()));
                    s.getOutputStream().flush();
                    closed = s.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // nothing from the server yet: drip on
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("the server closed the connection of a client dripping '%s'", drip).isTrue();
        }
        assertThat(exchange(f, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
    }

    private static String post(ServerFixture f, String path, String body) throws IOException {
        return exchange(f, "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
    }

    /** One request on a fresh connection; the whole response as text. */
    private static String exchange(ServerFixture f, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", f.server.port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One response on a kept-alive connection: the head, and a body of its Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
        }
        String text = head.toString(StandardCharsets.UTF_8);
        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        return text + (m.find() ? new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.UTF_8) : "");
    }
}
