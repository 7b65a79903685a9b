package dev.bantam.chat;

import dev.bantam.chat.template.ChatTemplate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Llama 3.1-3.3's syntax: the call's JSON is the whole turn, with "parameters" for the arguments.
 * The template here renders an assistant's call the way Llama 3.1's does (header, the JSON, end of turn).
 */
class BareJsonToolCallTest {
    private static final String LLAMA_STYLE = """
            {%- for message in messages %}
            {{- '<|start_header_id|>' + message.role + '<|end_header_id|>\\n\\n' }}
            {%- if message.tool_calls %}
            {%- set call = message.tool_calls[0].function %}
            {{- '{"name": "' + call.name + '", "parameters": ' + call.arguments | tojson + '}' }}
            {%- else %}
            {{- message.content }}
            {%- endif %}
            {{- '<|eot_id|>' }}
            {%- endfor %}
            {%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}
            """;
    private static final ToolCallSyntax SYNTAX = ToolCallSyntax.of(ChatTemplate.of(LLAMA_STYLE, "", ""));

    private static ToolCallParser parse(boolean toolsGiven, String reply) {
        ToolCallParser p = SYNTAX.parser(toolsGiven);
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < reply.length(); i++) streamed.append(p.feed(reply.substring(i, i + 1)));
        streamed.append(p.finish());
        assertThat(streamed.toString()).isEqualTo(p.content());
        return p;
    }

    @Test
    void theTemplateIsReadAsBareJsonWithParameters() {
        assertThat(SYNTAX).isEqualTo(new ToolCallSyntax(ToolCallSyntax.Kind.BARE_JSON, "", "", "parameters"));
    }

    @Test
    void aTurnThatIsOneJsonCallIsACallWhenToolsWereGiven() {
        ToolCallParser p = parse(true, " {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}");
        assertThat(p.content()).isEmpty();
        assertThat(p.calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });
    }

    @Test
    void callsSeparatedBySemicolonsAndThePythonTag() {
        ToolCallParser p = parse(true, "<|python_tag|>{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"parameters\": {\"k\": true}}");
        assertThat(p.calls()).extracting(ToolCall::name).containsExactly("a", "b");
        assertThat(p.content()).isEmpty();
    }

    @Test
    void jsonIsOnlyContentWithoutToolsOrWhenItIsNotACall() {
        String call = "{\"name\": \"get_weather\", \"parameters\": {}}";
        assertThat(parse(false, call).content()).isEqualTo(call);
        assertThat(parse(true, "{\"city\": \"Paris\"}").calls()).isEmpty();
        assertThat(parse(true, call + " and some prose").calls()).isEmpty();
        // prose that quotes a call is prose
        ToolCallParser prose = parse(true, "Call it like " + call);
        assertThat(prose.calls()).isEmpty();
        assertThat(prose.content()).isEqualTo("Call it like " + call);
    }
}
