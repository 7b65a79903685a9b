package dev.bantam.chat.template;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateErrorsTest {
    private static final List<Map<String, String>> USER_USER = List.of(
            Map.of("role", "user", "content", "a"), Map.of("role", "user", "content", "b"));

    @Test
    void gemmaRejectsTurnsThatDoNotAlternateInOneLineWithItsOwnMessage() {
        var gemma = Fixtures.json("chat/chat-templates.json").get("templates").get("gemma3");
        ChatTemplate t = ChatTemplate.of(gemma.get("chat_template").asText(), "<bos>", "<end_of_turn>");
        assertThatThrownBy(() -> t.render(USER_USER, true))
                .isInstanceOf(ChatTemplateException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat template: Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void aSyntaxErrorNamesTheTagAndLine() {
        assertThatThrownBy(() -> ChatTemplate.of("ok\n{% if %}", "", "").render(USER_USER, true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageStartingWith("chat template: ")
                .hasMessageContaining("if")
                .hasMessageContaining("line 2")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnclosedTagIsReportedWhenTheTemplateIsRead() {
        assertThatThrownBy(() -> ChatTemplate.of("{{ messages", "", ""))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("chat template: a tag opened with {{ is never closed");
    }

    @Test
    void unknownFunctionsAreErrorsAsInJinja2() {
        assertThatThrownBy(() -> ChatTemplate.of("{{ nope(1) }}", "", "").render(USER_USER, true))
                .hasMessageContaining("nope");
    }

    @Test
    void chatMlRendersTheDefaultConversation() {
        assertThat(ChatTemplate.chatMl("", "").render(List.of(Map.of("role", "user", "content", "Hi")), true))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void strftimeNowAndTheGenerationTagWork() {
        String out = ChatTemplate.of("{{ strftime_now('%Y') }}|{% generation %}g{% endgeneration %}", "", "").render(USER_USER, false);
        assertThat(out).matches("\\d{4}\\|g");
    }
}
