package dev.bantam.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The official OpenAI Java client, pointed at bantam serve, does chat (streamed and not), completions and models. */
class OpenAiClientTest {
    static ServerFixture fixture;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture(4, 16, null, 256);
        client = OpenAIOkHttpClient.builder().baseUrl(fixture.base() + "/v1").apiKey("unused").build();
    }

    @AfterAll
    static void stop() {
        client.close();
        fixture.close();
    }

    private static ChatCompletionCreateParams chat(int tokens) {
        return ChatCompletionCreateParams.builder().model(fixture.server.modelId())
                .addUserMessage("Who is Mr Darcy?").maxCompletionTokens(tokens).temperature(0.0).build();
    }

    @Test
    void listsTheModel() {
        assertThat(client.models().list().data()).extracting(m -> m.id()).containsExactly(fixture.server.modelId());
    }

    @Test
    void chatStreamedEqualsChatWhole() {
        ChatCompletion whole = client.chat().completions().create(chat(12));
        String text = whole.choices().getFirst().message().content().orElseThrow();
        assertThat(text).isNotBlank();
        assertThat(whole.usage().orElseThrow().completionTokens()).isEqualTo(12);
        assertThat(whole.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);

        StringBuilder streamed = new StringBuilder();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat(12))) {
            s.stream().forEach(c -> c.choices().forEach(ch -> {
                ch.delta().content().ifPresent(streamed::append);
                ch.finishReason().ifPresent(f -> finish.add(f.asString()));
            }));
        }
        assertThat(streamed.toString()).isEqualTo(text);
        assertThat(finish).containsExactly("length");
    }

    @Test
    void completesText() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model(fixture.server.modelId())
                .prompt("It is a truth universally acknowledged").maxTokens(8).temperature(0.0).build());
        assertThat(c.choices().getFirst().text()).isNotEmpty();
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(8);
    }
}
