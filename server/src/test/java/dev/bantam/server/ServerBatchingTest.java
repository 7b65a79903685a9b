package dev.bantam.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Continuous batching through the HTTP API: what else is running does not change a greedy reply,
 * and a request that extends a slot's previous conversation reuses its cached prefix.
 */
class ServerBatchingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PROMPTS = {"Emma", "Mr Darcy said", "It is a truth universally acknowledged", "Anne Elliot",
            "In the beginning", "The Bennets of Longbourn were", "Captain Wentworth looked at", "Fanny Price"};

    private static String completion(String prompt) {
        return "{\"prompt\":\"" + prompt + "\",\"max_tokens\":16,\"temperature\":0,\"ignore_eos\":true,\"logprobs\":0}";
    }

    /** The reply's tokens, as the logprobs report them. */
    private static List<String> tokens(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).at("/choices/0/logprobs/tokens").forEach(t -> out.add(t.asText()));
        assertThat(out).hasSize(16);
        return out;
    }

    @Test
    void eightConcurrentGreedyRequestsEqualTheSameEightOneByOne() throws Exception {
        try (ServerFixture f = new ServerFixture(8, 8, null, 128)) {
            List<List<String>> alone = new ArrayList<>();
            for (String p : PROMPTS) alone.add(tokens(f.post("/v1/completions", completion(p))));
            double steps = f.metric("bantam_decode_steps_total"), sequences = f.metric("bantam_decode_sequences_total");
            List<CompletableFuture<HttpResponse<String>>> together = new ArrayList<>();
            for (String p : PROMPTS) {
                together.add(f.http.sendAsync(HttpRequest.newBuilder(URI.create(f.base() + "/v1/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(completion(p))).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < PROMPTS.length; i++) assertThat(tokens(together.get(i).get())).as(PROMPTS[i]).isEqualTo(alone.get(i));
            // they did share decode steps: more than one slot was busy at once
            assertThat(f.metric("bantam_decode_sequences_total") - sequences).isGreaterThan(f.metric("bantam_decode_steps_total") - steps);
        }
    }

    @Test
    void aFollowUpTurnReusesTheSlotsCachedConversation() throws Exception {
        String first = "{\"role\":\"user\",\"content\":\"Who is Mr Darcy?\"}";
        JsonNode turn1, turn2;
        String followUp;
        try (ServerFixture f = new ServerFixture(2, 4, null, 512)) {
            turn1 = JSON.readTree(f.post("/v1/chat/completions", "{\"messages\":[" + first + "],\"max_tokens\":8,\"temperature\":0}").body());
            String reply = turn1.at("/choices/0/message/content").asText();
            followUp = "{\"messages\":[" + first + ",{\"role\":\"assistant\",\"content\":" + JSON.writeValueAsString(reply)
                    + "},{\"role\":\"user\",\"content\":\"And Elizabeth?\"}],\"max_tokens\":8,\"temperature\":0}";
            turn2 = JSON.readTree(f.post("/v1/chat/completions", followUp).body());
        }
        assertThat(turn2.at("/usage/prompt_tokens_details/cached_tokens").asInt())
                .isGreaterThanOrEqualTo(turn1.at("/usage/prompt_tokens").asInt());
        // the same request on a server with nothing cached computes the same reply
        try (ServerFixture fresh = new ServerFixture(1, 4, null, 512)) {
            JsonNode cold = JSON.readTree(fresh.post("/v1/chat/completions", followUp).body());
            assertThat(cold.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isZero();
            assertThat(cold.at("/choices/0/message/content").asText()).isEqualTo(turn2.at("/choices/0/message/content").asText());
        }
    }
}
