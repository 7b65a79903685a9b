package dev.bantam.langchain4j;

import dev.bantam.chat.ChatMessage;
import dev.bantam.chat.LanguageModel;
import dev.bantam.chat.SamplingOptions;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chat model used through LangChain4j's own API, on the embedded austen-llama-7m. */
class BantamChatModelTest {
    private static LanguageModel austen;
    private static BantamChatModel greedy;

    @BeforeAll
    static void load() throws IOException {
        austen = Models.austen();
        greedy = BantamChatModel.builder().model(austen).sampling(SamplingOptions.GREEDY).maxOutputTokens(12).build();
    }

    @AfterAll
    static void close() {
        austen.close();
    }

    @Test
    void chatWithAStringGivesTheSameReplyAsBantamsOwnApi() {
        String answer = greedy.chat("What is a gentleman?");
        String direct = austen.reply(List.of(ChatMessage.user("What is a gentleman?").toTemplateValue()), null, Map.of(),
                SamplingOptions.GREEDY.withMaxTokens(12), () -> false, t -> {}).text();
        assertThat(answer).isNotBlank().isEqualTo(direct);
    }

    @Test
    void aChatRequestsParametersOverrideTheBuildersAndTheResponseCarriesUsageAndFinishReason() {
        ChatResponse r = greedy.chat(ChatRequest.builder()
                .messages(SystemMessage.from("You write like Miss Austen."), UserMessage.from("Describe Bath."))
                .maxOutputTokens(5)
                .build());
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(5);
        assertThat(r.tokenUsage().inputTokenCount()).isGreaterThan(10);
        assertThat(r.tokenUsage().totalTokenCount()).isEqualTo(r.tokenUsage().inputTokenCount() + 5);
        assertThat(r.modelName()).isEqualTo("austen-llama-7m-q8_0.gguf");
        assertThat(r.aiMessage().hasToolExecutionRequests()).isFalse();
    }

    @Test
    void aStopSequenceEndsTheReplyBeforeIt() {
        ChatRequest.Builder request = ChatRequest.builder().messages(UserMessage.from("Tell me of Emma.")).maxOutputTokens(24);
        String full = greedy.chat(request.build()).aiMessage().text();
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        ChatResponse cut = greedy.chat(request.stopSequences(List.of(stop)).build());
        assertThat(cut.aiMessage().text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(cut.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aConversationWithTheModelsOwnEarlierReplyIsRenderedAsTheTemplateExpects() {
        String first = greedy.chat("Good morning.");
        ChatResponse second = greedy.chat(UserMessage.from("Good morning."), AiMessage.from(first), UserMessage.from("And to you?"));
        String direct = austen.reply(List.of(ChatMessage.user("Good morning.").toTemplateValue(), ChatMessage.assistant(first).toTemplateValue(),
                ChatMessage.user("And to you?").toTemplateValue()), null, Map.of(), SamplingOptions.GREEDY.withMaxTokens(12), () -> false, t -> {}).text();
        assertThat(second.aiMessage().text()).isEqualTo(direct);
    }

    @Test
    void aFixedSeedMakesSampledRepliesRepeatable() {
        BantamChatModel sampled = BantamChatModel.builder().model(austen).temperature(1.0).topK(40).seed(7L).maxOutputTokens(16).build();
        assertThat(sampled.chat("Say something.")).isEqualTo(sampled.chat("Say something."));
        assertThat(sampled.defaultRequestParameters().temperature()).isEqualTo(1.0);
    }

    @Test
    void whatBantamCannotDoIsAOneLineError() {
        assertThatThrownBy(() -> greedy.chat(ChatRequest.builder().messages(UserMessage.from("x")).frequencyPenalty(0.5).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Bantam has no frequency or presence penalty");
        assertThatThrownBy(() -> greedy.chat("word ".repeat(2000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but the context holds 1024");
        assertThatThrownBy(() -> BantamChatModel.builder().build())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("model");
    }
}
