package dev.bantam.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model's own chat template at work in the server: Qwen3's tool-call syntax in a reply comes
 * back as {@code tool_calls}, and an exception the template raises is a 400 that names it.
 */
class ChatTemplateServingTest {
    private static final FunctionDefinition WEATHER = FunctionDefinition.builder().name("get_weather").description("Current weather in a city")
            .parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                    .build())
            .build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode PARIS = tree("{\"city\": \"Paris\"}");

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ChatCompletionCreateParams askWithTools(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Weather in Paris?")
                .addFunctionTool(WEATHER).temperature(0.0).maxCompletionTokens(20).build();
    }

    @Test
    void qwen3ToolCallSyntaxBecomesToolCalls(@TempDir Path dir) throws Exception {
        try (ServerFixture f = new ServerFixture(TestModels.alwaysCallsTool(dir), 2, 4, null, 2048)) {
            OpenAIClient client = f.openAi;
            ChatCompletion whole = client.chat().completions().create(askWithTools(f.server.modelId()));
            var choice = whole.choices().getFirst();
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            assertThat(choice.message().content()).isEmpty();
            ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
            assertThat(call.function().name()).isEqualTo("get_weather");
            assertThat(JSON.readTree(call.function().arguments())).isEqualTo(PARIS);
            assertThat(call.id()).isNotBlank();

            List<String> content = new ArrayList<>(), finish = new ArrayList<>();
            List<ChatCompletionChunk.Choice.Delta.ToolCall> streamed = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(askWithTools(f.server.modelId()))) {
                s.stream().forEach(c -> c.choices().forEach(ch -> {
                    ch.delta().content().filter(t -> !t.isEmpty()).ifPresent(content::add);
                    ch.delta().toolCalls().ifPresent(streamed::addAll);
                    ch.finishReason().ifPresent(r -> finish.add(r.asString()));
                }));
            }
            assertThat(content).as("the call's syntax is not streamed as content").isEmpty();
            assertThat(streamed).singleElement().satisfies(t -> {
                assertThat(t.index()).isZero();
                assertThat(t.function().orElseThrow().name()).contains("get_weather");
                assertThat(t.function().orElseThrow().arguments().map(ChatTemplateServingTest::tree)).contains(PARIS);
            });
            assertThat(finish).containsExactly("tool_calls");

            // without tools in the request the same text is the reply's content
            ChatCompletion plain = client.chat().completions().create(ChatCompletionCreateParams.builder().model(f.server.modelId())
                    .addUserMessage("Weather in Paris?").temperature(0.0).maxCompletionTokens(20).build());
            assertThat(plain.choices().getFirst().message().content()).contains(TestModels.TOOL_CALL);
            assertThat(plain.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        }
    }

    @Test
    void aTemplateExceptionIsA400NamingItsMessage(@TempDir Path dir) throws Exception {
        try (ServerFixture f = new ServerFixture(TestModels.austenWithTemplate(dir, "gemma3"), 1, 2, null, 1024)) {
            var r = f.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Emma\"},{\"role\":\"user\",\"content\":\"Harriet\"}]}");
            assertThat(r.statusCode()).isEqualTo(400);
            var error = JSON.readTree(r.body()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("param").asText()).isEqualTo("messages");
            assertThat(error.get("message").asText()).contains("Conversation roles must alternate user/assistant/user/assistant/...");
            // alternating roles render, and the server goes on serving
            var ok = f.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Emma\"}],\"max_tokens\":2}");
            assertThat(ok.statusCode()).isEqualTo(200);
        }
    }
}
