package dev.bantam.chat.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Small templates that exercise what chat templates use (string methods, slices, keyword arguments,
 * tojson, loop controls and filters, tests, whitespace control, escapes), each as Jinja2 rendered it
 * in Hugging Face's environment (jinja2-semantics.py beside the JSON wrote them).
 */
class Jinja2SemanticsTest {
    @TestFactory
    List<DynamicTest> rendersAsJinja2() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/jinja2-semantics.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<Map<String, Object>> messages = ChatTemplateFixtureTest.list(root.get("messages"));
        return root.get("cases").valueStream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            ChatTemplate t = ChatTemplate.of(c.get("template").asText(), "<s>", "</s>");
            if (c.has("error")) {
                assertThatThrownBy(() -> t.render(messages, null, true, Map.of()))
                        .isInstanceOf(ChatTemplateException.class)
                        .hasMessage("chat template: " + c.get("error").asText());
            } else {
                assertThat(t.render(messages, null, true, Map.of())).isEqualTo(c.get("rendered").asText());
            }
        })).toList();
    }
}
