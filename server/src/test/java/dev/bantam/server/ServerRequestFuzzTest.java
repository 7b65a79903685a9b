package dev.bantam.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;

/**
 * The body of {@code /v1/chat/completions} or {@code /v1/completions} is untrusted: any bytes
 * become a request within the server's bounds (a prompt that fits the context, max_tokens within
 * the limit, at most 16 stop strings and 20 top logprobs) or fail with the server's own
 * {@link ApiError} (400 or 404, a message of bounded length), never another exception. The
 * parse runs the real chat template and tokenizer of the embedded model. The first byte picks
 * the endpoint (odd: chat, so a seed starting {@code c}; even: completions, {@code p}); the rest
 * is the body.
 */
class ServerRequestFuzzTest {
    private static final int CONTEXT = 256;
    private static final int MAX_TOKENS = 128;
    private static ServedModel model;
    private static OpenAiApi api;
    private static ObjectMapper json;

    @BeforeAll
    static void open() throws Exception {
        model = ServedModel.open(Fixtures.defaultModel("austen-llama-7m"), new CpuBackend(), new SessionOptions(1, CONTEXT, 1));
        json = RequestJson.mapper();
        api = new OpenAiApi(json, model, MAX_TOKENS);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @FuzzTest(maxDuration = "5s")
    void request(byte[] data) {
        if (data.length == 0) return;
        var endpoint = (data[0] & 1) == 1 ? OpenAiApi.Endpoint.CHAT : OpenAiApi.Endpoint.COMPLETION;
        String body = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        OpenAiApi.Parsed p;
        try {
            p = api.parse(endpoint, RequestJson.parse(json, body));
        } catch (ApiError refused) {
            if (refused.status() != 400 && refused.status() != 404) throw new AssertionError("status " + refused.status() + ": " + refused.getMessage());
            if (refused.getMessage().length() > ApiError.MAX_MESSAGE + 10) throw new AssertionError("a message of " + refused.getMessage().length() + " chars");
            return;
        }
        GenerationRequest g = p.generation();
        if (g.prompt().length < 1 || g.prompt().length >= CONTEXT) throw new AssertionError("a prompt of " + g.prompt().length + " tokens");
        if (g.maxTokens() < 1 || g.maxTokens() > MAX_TOKENS) throw new AssertionError("max_tokens " + g.maxTokens());
        if (g.topLogprobs() > OpenAiApi.MAX_TOP_LOGPROBS) throw new AssertionError("top_logprobs " + g.topLogprobs());
        if (g.stopTexts().size() > 16 + model.format().stopTexts().size()) throw new AssertionError(g.stopTexts().size() + " stop texts");
    }
}
