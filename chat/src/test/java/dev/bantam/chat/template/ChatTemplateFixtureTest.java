package dev.bantam.chat.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The acceptance test of issue 13: real Qwen3, Llama 3 and Gemma 3 templates, rendered byte for byte as transformers does. */
class ChatTemplateFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    List<DynamicTest> everyCaseRendersExactly() {
        JsonNode root = Fixtures.json("chat/chat-templates.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (var model : root.get("templates").properties()) {
            JsonNode t = model.getValue();
            ChatTemplate template = ChatTemplate.of(t.get("chat_template").asText(), t.get("bos_token").asText(), t.get("eos_token").asText());
            for (JsonNode c : t.get("cases")) {
                String name = model.getKey() + " " + c.get("name").asText() + (c.get("add_generation_prompt").asBoolean() ? " +prompt" : "");
                tests.add(DynamicTest.dynamicTest(name, () -> assertThat(template.render(
                        list(c.get("messages")), c.get("tools").isNull() ? null : list(c.get("tools")),
                        c.get("add_generation_prompt").asBoolean(), map(c.get("kwargs"))))
                        .isEqualTo(c.get("rendered").asText())));
            }
        }
        assertThat(tests).hasSize(30);
        return tests;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(JsonNode n) {
        return JSON.convertValue(n, List.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(JsonNode n) {
        return JSON.convertValue(n, Map.class);
    }
}
