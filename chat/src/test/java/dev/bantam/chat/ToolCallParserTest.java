package dev.bantam.chat;

import dev.bantam.chat.template.ChatTemplate;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies as a model writes them, fed to the parser of the syntax that the real Qwen3 template
 * renders, in pieces of every size from one character (a token can end anywhere in a marker).
 */
class ToolCallParserTest {
    private static final ToolCallSyntax QWEN3 = ToolCallSyntax.of(template("qwen3"));

    /** Parses {@code reply} fed in pieces of {@code piece} characters; checks that the streamed text is the content. */
    private static ToolCallParser parse(ToolCallSyntax syntax, boolean toolsGiven, String reply, int piece) {
        ToolCallParser parser = syntax.parser(toolsGiven);
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < reply.length(); i += piece) streamed.append(parser.feed(reply.substring(i, Math.min(reply.length(), i + piece))));
        streamed.append(parser.finish());
        assertThat(streamed.toString()).isEqualTo(parser.content());
        return parser;
    }

    static ChatTemplate template(String name) {
        return ChatTemplate.of(Fixtures.json("chat/chat-templates.json").get("templates").get(name).get("chat_template").asText(), "", "");
    }

    @Test
    void qwen3sTemplateIsReadAsTaggedCalls() {
        assertThat(QWEN3).isEqualTo(new ToolCallSyntax(ToolCallSyntax.Kind.TAGGED, "<tool_call>", "</tool_call>", "arguments"));
    }

    @Test
    void templatesThatWriteNoCallsHaveNoSyntax() {
        assertThat(ToolCallSyntax.of(template("llama3_1"))).isEqualTo(ToolCallSyntax.NONE);
        assertThat(ToolCallSyntax.of(template("gemma3"))).isEqualTo(ToolCallSyntax.NONE);
        assertThat(ToolCallSyntax.of(ChatTemplate.chatMl("", ""))).isEqualTo(ToolCallSyntax.NONE);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void aCallAfterThinkingIsTakenOutOfTheContent(int piece) {
        String reply = "<think>\nThe user wants the weather.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
        ToolCallParser p = parse(QWEN3, true, reply, piece);
        assertThat(p.content()).isEqualTo("<think>\nThe user wants the weather.\n</think>");
        assertThat(p.calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.arguments()).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(c.id()).startsWith("call_");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 1000})
    void severalCallsAndTheTextBetweenThem(int piece) {
        String reply = "Checking both.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\": [1, {\"y\": \"}\"}]}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"b\", \"arguments\": {}}\n</tool_call>\nDone.";
        ToolCallParser p = parse(QWEN3, true, reply, piece);
        assertThat(p.calls()).extracting(ToolCall::name).containsExactly("a", "b");
        assertThat(p.calls()).extracting(ToolCall::arguments).containsExactly("{\"x\":[1,{\"y\":\"}\"}]}", "{}");
        assertThat(p.content()).isEqualTo("Checking both.Done.");
        assertThat(p.calls().get(0).id()).isNotEqualTo(p.calls().get(1).id());
    }

    @Test
    void argumentsWrittenAsAJsonStringAreReadAsTheObjectInIt() {
        ToolCallParser p = parse(QWEN3, true, "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"n\\\": 2}\"}</tool_call>", 1);
        assertThat(p.calls()).singleElement().extracting(ToolCall::arguments).isEqualTo("{\"n\":2}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": 1}\n</tool_call>", // unbalanced JSON
            "<tool_call>\n{\"arguments\": {}}\n</tool_call>",                          // no name
            "<tool_call>\n[1, 2]\n</tool_call>"})                                      // not an object
    void aCallThatDoesNotParseStaysInTheContentAsWritten(String reply) {
        ToolCallParser p = parse(QWEN3, true, reply, 3);
        assertThat(p.calls()).isEmpty();
        assertThat(p.content()).isEqualTo(reply);
    }

    @Test
    void aReplyCutOffInsideACallKeepsWhatThereIsAsContent() {
        String reply = "Sure.\n<tool_call>\n{\"name\": \"get_wea";
        ToolCallParser p = parse(QWEN3, true, reply, 2);
        assertThat(p.calls()).isEmpty();
        assertThat(p.content()).isEqualTo("Sure.<tool_call>\n{\"name\": \"get_wea");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 1000})
    void textWithoutCallsIsUnchangedEvenWhereItLooksLikeTheStartOfAMarker(int piece) {
        String reply = "a <b> and <tool but not a call, then spaces   \n";
        ToolCallParser p = parse(QWEN3, true, reply, piece);
        assertThat(p.calls()).isEmpty();
        assertThat(p.content()).isEqualTo(reply);
    }

    @Test
    void aTaggedCallIsReadEvenWhenNoToolsWereGiven() {
        // the markers are the template's own: they cannot be ordinary text
        assertThat(parse(QWEN3, false, "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", 1).calls()).hasSize(1);
    }

    /** A parsed call, sent back as the assistant's message, renders as transformers renders the fixture's conversation. */
    @Test
    void parsedCallsAndToolResultsRenderAsTransformersDoes() {
        var qwen = Fixtures.json("chat/chat-templates.json").get("templates").get("qwen3");
        var fixture = qwen.get("cases").valueStream()
                .filter(c -> c.get("name").asText().equals("tool-call-and-result") && c.get("add_generation_prompt").asBoolean())
                .findFirst().orElseThrow();
        ToolCallParser p = parse(QWEN3, true, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", 1);
        Tool weather = Tool.of("get_weather", "Current weather in a city",
                "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"City name\"}}, \"required\": [\"city\"]}");
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris?"),
                ChatMessage.assistant(p.content(), p.calls()),
                ChatMessage.toolResult(p.calls().getFirst().id(), "{\"temp_c\": 18}"));
        String rendered = template("qwen3").render(conversation.stream().map(ChatMessage::toTemplateValue).toList(),
                List.of(weather.toTemplateValue()), true, java.util.Map.of());
        assertThat(rendered).isEqualTo(fixture.get("rendered").asText());
    }
}
