package dev.bantam.chat;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tools through a ChatSession, end to end on the trained austen-llama-7m given Qwen3's template
 * (the tiny random model's context is too short for the tools' prompt). austen-llama-7m was never
 * taught to call tools, so what is checked is that the tools and a tool result reach the prompt
 * and that the history keeps them in the shapes the template reads.
 */
class ChatSessionToolsTest {
    private static final Tool WEATHER = Tool.of("get_weather", "Current weather in a city",
            "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}");

    @Test
    void toolsAndToolResultsGoThroughTheSession(@TempDir Path dir) throws IOException {
        String qwen3 = Fixtures.json("chat/chat-templates.json").get("templates").get("qwen3").get("chat_template").asText();
        Path model = TestModels.withTemplate(dir, Fixtures.defaultModel("austen-llama-7m"), qwen3);
        try (LanguageModel m = Bantam.load(model, LoadOptions.DEFAULTS.withThreads(1).withContextSize(1024))) {
            assertThat(m.toolCallSyntax().kind()).isEqualTo(ToolCallSyntax.Kind.TAGGED);
            SamplingOptions greedy = SamplingOptions.GREEDY.withMaxTokens(6);
            Reply plain = m.chat().sampling(greedy).send(ChatMessage.user("Weather in Paris?"));

            ChatSession chat = m.chat().sampling(greedy).tools(List.of(WEATHER));
            Reply first = chat.send(ChatMessage.user("Weather in Paris?"));
            assertThat(first.promptTokens()).isGreaterThan(plain.promptTokens() + 50);
            assertThat(first.toolCalls()).isEmpty();

            Reply second = chat.send(ChatMessage.toolResult("call_1", "{\"temp_c\": 18}"));
            assertThat(second.reusedTokens()).isGreaterThanOrEqualTo(first.promptTokens() - 1);
            assertThat(chat.messages()).extracting(ChatMessage::role).containsExactly("user", "assistant", "tool", "assistant");
            assertThat(m.template().render(chat.messages().stream().map(ChatMessage::toTemplateValue).toList(),
                    List.of(WEATHER.toTemplateValue()), false, java.util.Map.of()))
                    .contains("<|im_start|>user\n<tool_response>\n{\"temp_c\": 18}\n</tool_response><|im_end|>");
        }
    }
}
