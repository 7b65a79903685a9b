package dev.bantam.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that sends a non-streamed request and goes away before the reply: the server notices
 * at its next heartbeat write and frees the slot, long before the reply would have ended (a
 * context of 16k positions, decoded to its end, takes minutes).
 */
class NonStreamedDisconnectTest {
    @Test
    void aClientThatLeavesBeforeTheWholeReplyFreesItsSlot(@TempDir Path dir) throws Exception {
        try (ServerFixture f = new ServerFixture(TestModels.austenWithContext(dir, 16384), 1, 1, null, 16384)) {
            // within --max-tokens-limit (the context): a larger max_tokens is a 400 and no slot would be taken
            String body = "{\"prompt\":\"Emma\",\"max_tokens\":16000,\"ignore_eos\":true}";
            try (Socket s = new Socket("127.0.0.1", f.server.port())) {
                s.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                long taken = System.nanoTime() + 60_000_000_000L;
                while (f.metric("bantam_busy_slots") == 0 && System.nanoTime() < taken) Thread.sleep(10);
                assertThat(f.metric("bantam_busy_slots")).as("the request took a slot").isEqualTo(1);
            }
            // a guard against hanging, far beyond the few heartbeats this takes
            long guard = System.nanoTime() + 120_000_000_000L;
            while ((f.metric("bantam_cancel_to_free_seconds_count") == 0 || f.metric("bantam_busy_slots") > 0) && System.nanoTime() < guard) Thread.sleep(10);
            // freed by the cancellation, not by reaching the end of the context
            assertThat(f.metric("bantam_cancel_to_free_seconds_count")).isEqualTo(1);
            assertThat(f.metric("bantam_busy_slots")).isZero();
            assertThat(f.get("/metrics").body()).contains("bantam_requests_total{status=\"499\"} 1");
            assertThat(f.post("/v1/completions", "{\"prompt\":\"Emma\",\"max_tokens\":2}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aReplyLongerThanAHeartbeatStillParsesInTheOpenAiClient(@TempDir Path dir) throws Exception {
        try (ServerFixture f = new ServerFixture(TestModels.austenWithContext(dir, 16384), 1, 1, null, 16384)) {
            var c = f.openAi.completions().create(com.openai.models.completions.CompletionCreateParams.builder().model(f.server.modelId())
                    .prompt("Emma").maxTokens(600).temperature(0.0).putAdditionalBodyProperty("ignore_eos", com.openai.core.JsonValue.from(true)).build());
            assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(600);
        }
    }
}
