package dev.bantam.langchain4j;

import dev.bantam.chat.LanguageModel;
import dev.bantam.chat.SamplingOptions;
import dev.bantam.chat.template.ChatTemplate;
import dev.bantam.testing.Fixtures;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tool specifications, the AI's tool execution requests and their results, through the Qwen3 template. */
class ToolsTest {
    private static final ToolSpecification WEATHER = ToolSpecification.builder()
            .name("get_weather")
            .description("Current weather in a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city", "City name").required("city").build())
            .build();
    private static final List<dev.langchain4j.data.message.ChatMessage> CALLED_AND_ANSWERED = List.of(
            UserMessage.from("Weather in Paris?"),
            AiMessage.from(ToolExecutionRequest.builder().id("call_1").name("get_weather").arguments("{\"city\":\"Paris\"}").build()),
            ToolExecutionResultMessage.from("call_1", "get_weather", "{\"temp_c\": 18}"));

    /** LangChain4j's messages and tool specification render exactly as transformers renders the fixture's conversation. */
    @Test
    void aToolRoundTripRendersAsTransformersDoes() {
        var qwen = Fixtures.json("chat/chat-templates.json").get("templates").get("qwen3");
        var fixture = qwen.get("cases").valueStream()
                .filter(c -> c.get("name").asText().equals("tool-call-and-result") && c.get("add_generation_prompt").asBoolean())
                .findFirst().orElseThrow();
        ChatRequest request = ChatRequest.builder().messages(CALLED_AND_ANSWERED).toolSpecifications(WEATHER).build();
        String rendered = ChatTemplate.of(Models.qwen3Template(), "", "")
                .render(Messages.toTemplate(request.messages()), Requests.tools(request.parameters()), true, Map.of());
        assertThat(rendered).isEqualTo(fixture.get("rendered").asText());
    }

    @Test
    void toolsReachTheModelsPromptAndItsAnswerAfterAToolResultIsContent(@TempDir Path dir) throws IOException {
        try (LanguageModel m = Models.austenWithTemplate(dir, Models.qwen3Template())) {
            BantamChatModel chat = BantamChatModel.builder().model(m).sampling(SamplingOptions.GREEDY).maxOutputTokens(8).build();
            ChatResponse without = chat.chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?")).build());
            ChatResponse with = chat.chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?")).toolSpecifications(WEATHER).build());
            assertThat(with.tokenUsage().inputTokenCount()).isGreaterThan(without.tokenUsage().inputTokenCount() + 100);

            ChatResponse answered = chat.chat(ChatRequest.builder().messages(CALLED_AND_ANSWERED).toolSpecifications(WEATHER).build());
            assertThat(answered.tokenUsage().inputTokenCount()).isGreaterThan(with.tokenUsage().inputTokenCount());
            // austen-llama-7m was never taught to call tools: it answers in prose
            assertThat(answered.aiMessage().hasToolExecutionRequests()).isFalse();
            assertThat(answered.aiMessage().text()).isNotEmpty();
        }
    }

    @Test
    void aReplysToolCallsBecomeToolExecutionRequestsAndTheFinishReasonToolExecution() {
        var reply = new dev.bantam.chat.Reply("", dev.bantam.chat.FinishReason.TOOL_CALLS, 40, 0, 20, 0, 0,
                List.of(new dev.bantam.chat.ToolCall("call_x", "get_weather", "{\"city\":\"Paris\"}")));
        ChatResponse r = Responses.of(reply, "m");
        assertThat(r.finishReason()).isEqualTo(dev.langchain4j.model.output.FinishReason.TOOL_EXECUTION);
        assertThat(r.aiMessage().text()).isNull();
        assertThat(r.aiMessage().toolExecutionRequests()).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo("call_x");
            assertThat(t.name()).isEqualTo("get_weather");
            assertThat(t.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });
    }
}
