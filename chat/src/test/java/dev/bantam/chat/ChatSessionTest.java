package dev.bantam.chat;

import dev.bantam.chat.template.ChatTemplateException;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatSessionTest {
    private static final SamplingOptions GREEDY_8 = SamplingOptions.GREEDY.withMaxTokens(8);
    private static LanguageModel model;

    @BeforeAll
    static void load() throws IOException {
        model = TestModels.tiny();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aModelWithoutATemplateGetsChatMlAndSaysSoInOneLine() {
        assertThat(model.notice()).hasValue("llama-tiny-f32.gguf has no chat template (tokenizer.chat_template); using ChatML");
        assertThat(model.render(List.of(ChatMessage.user("Hi")), true)).isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void theNextTurnComputesOnlyWhatWasAdded() {
        ChatSession chat = model.chat("Be brief.").sampling(GREEDY_8);
        Reply first = chat.stream("Hello there", t -> {});
        Reply second = chat.stream("And now?", t -> {});
        assertThat(first.reusedTokens()).isLessThan(first.promptTokens());
        // everything up to the first reply is reused, give or take the tokens where the reply meets the template's text
        assertThat(second.reusedTokens()).isGreaterThanOrEqualTo(first.promptTokens() - 1);
        assertThat(second.prefilledTokens()).isLessThan(second.promptTokens() - first.promptTokens() + first.generatedTokens() + 2);
        assertThat(chat.messages()).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "user", "assistant");
    }

    @Test
    void aReusedCacheGivesTheSameGreedyReplyAsAFreshOne() throws IOException {
        ChatSession chat = model.chat().sampling(GREEDY_8);
        chat.send("one");
        String second = chat.send("two");
        try (LanguageModel fresh = TestModels.tiny()) {
            List<ChatMessage> history = chat.messages().subList(0, 3);
            List<java.util.Map<String, Object>> turn = new ArrayList<>(history.stream().map(ChatMessage::toTemplateValue).toList());
            Reply reply = fresh.reply(turn, null, java.util.Map.of(), GREEDY_8, () -> false, t -> {});
            assertThat(reply.reusedTokens()).isZero();
            assertThat(reply.text()).isEqualTo(second);
        }
    }

    @Test
    void streamedPiecesMakeUpTheReply() {
        StringBuilder streamed = new StringBuilder();
        Reply r = model.chat().sampling(GREEDY_8).stream("Stream it", streamed::append);
        assertThat(streamed.toString()).isEqualTo(r.text());
        assertThat(r.generatedTokens()).isEqualTo(8);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void cancelStopsTheReplyBeingGenerated() {
        ChatSession chat = model.chat().sampling(SamplingOptions.GREEDY.withMaxTokens(100));
        Reply r = chat.stream("Go on", t -> chat.cancel());
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(r.generatedTokens()).isLessThan(100);
        // the next turn is not cancelled
        assertThat(chat.stream("Again", t -> {}).finishReason()).isNotEqualTo(FinishReason.CANCELLED);
    }

    @Test
    void resetForgetsTheConversationButKeepsTheSystemPrompt() {
        ChatSession chat = model.chat("sys").sampling(GREEDY_8);
        chat.send("x");
        chat.reset();
        assertThat(chat.messages()).containsExactly(ChatMessage.system("sys"));
        chat.system("other");
        assertThat(chat.messages()).containsExactly(ChatMessage.system("other"));
    }

    @Test
    void completeContinuesRawText() {
        Reply r = model.complete("It is a truth", GREEDY_8, t -> {});
        assertThat(r.generatedTokens()).isEqualTo(8);
        assertThat(model.complete("It is a truth", GREEDY_8, t -> {}).text()).isEqualTo(r.text());
    }

    @Test
    void theModelsOwnTemplateIsUsedAndItsErrorsAreOneLine(@TempDir Path dir) throws IOException {
        String gemma = Fixtures.json("chat/chat-templates.json").get("templates").get("gemma3").get("chat_template").asText();
        try (LanguageModel m = Bantam.load(TestModels.withTemplate(dir, gemma), LoadOptions.DEFAULTS.withThreads(1).withContextSize(256))) {
            assertThat(m.notice()).isEmpty();
            assertThat(m.render(List.of(ChatMessage.user("Hi")), true)).endsWith("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
            assertThat(m.chat().sampling(GREEDY_8).send("Hi")).isNotNull();
            assertThatThrownBy(() -> m.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true))
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessage("chat template: Conversation roles must alternate user/assistant/user/assistant/...");
        }
    }

    @Test
    void toolsAndTemplateArgumentsReachTheTemplate(@TempDir Path dir) throws IOException {
        var qwen = Fixtures.json("chat/chat-templates.json").get("templates").get("qwen3");
        var toolCase = qwen.get("cases").valueStream()
                .filter(c -> c.get("name").asText().equals("tool-call-and-result") && c.get("add_generation_prompt").asBoolean())
                .findFirst().orElseThrow();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        @SuppressWarnings("unchecked") List<java.util.Map<String, Object>> messages = json.convertValue(toolCase.get("messages"), List.class);
        @SuppressWarnings("unchecked") List<java.util.Map<String, Object>> tools = json.convertValue(toolCase.get("tools"), List.class);
        try (LanguageModel m = Bantam.load(TestModels.withTemplate(dir, qwen.get("chat_template").asText()), LoadOptions.DEFAULTS.withThreads(1).withContextSize(256))) {
            assertThat(m.template().render(messages, tools, true, java.util.Map.of())).isEqualTo(toolCase.get("rendered").asText());
            // (the tools' prompt is longer than this tiny model's context, so the reply runs on a short conversation)
            List<java.util.Map<String, Object>> hello = List.of(ChatMessage.user("Hello!").toTemplateValue());
            Reply thinking = m.reply(hello, null, java.util.Map.of(), GREEDY_8, () -> false, t -> {});
            Reply notThinking = m.reply(hello, null, java.util.Map.of("enable_thinking", false), GREEDY_8, () -> false, t -> {});
            // enable_thinking=false adds the empty think block to the prompt
            assertThat(notThinking.promptTokens()).isGreaterThan(thinking.promptTokens());
            assertThat(notThinking.reusedTokens()).isGreaterThan(0);
        }
    }

    @Test
    void aConversationLongerThanTheContextIsRefusedWithTheNumbers() {
        ChatSession chat = model.chat().sampling(GREEDY_8);
        assertThatThrownBy(() -> chat.send("word ".repeat(400)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but the context holds 256");
        assertThat(chat.messages()).isEmpty();
    }

    @Test
    void badLoadsAreOneLineErrors() {
        assertThatThrownBy(() -> Bantam.load("no-such-model")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> Bantam.load(TestModels.TINY, LoadOptions.DEFAULTS.withBackend("warp-drive")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown backend 'warp-drive' (known: cpu");
    }
}
