package dev.bantam.server;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java client, pointed at bantam serve, does chat (streamed and not),
 * completions and models, and every sampling and reporting field the server takes has its effect.
 */
class OpenAiClientTest {
    static ServerFixture fixture;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture(4, 16, null, 256);
        client = fixture.openAi;
    }

    @AfterAll
    static void stop() {
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

    private static CompletionCreateParams.Builder greedyCompletion(int tokens) {
        return CompletionCreateParams.builder().model(fixture.server.modelId())
                .prompt("It is a truth universally acknowledged").maxTokens(tokens).temperature(0.0);
    }

    private static String text(CompletionCreateParams.Builder params) {
        return client.completions().create(params.build()).choices().getFirst().text();
    }

    @Test
    void logprobsReportTheChosenTokensAndTheirTopAlternatives() {
        ChatCompletion c = client.chat().completions().create(chat(8).toBuilder().logprobs(true).topLogprobs(3).build());
        var choice = c.choices().getFirst();
        List<ChatCompletionTokenLogprob> tokens = choice.logprobs().orElseThrow().content().orElseThrow();
        assertThat(tokens).hasSize(8);
        assertThat(tokens.stream().map(ChatCompletionTokenLogprob::token).collect(Collectors.joining()))
                .isEqualTo(choice.message().content().orElseThrow());
        for (ChatCompletionTokenLogprob t : tokens) {
            var top = t.topLogprobs();
            assertThat(top).hasSize(3);
            assertThat(top).extracting(ChatCompletionTokenLogprob.TopLogprob::logprob).isSortedAccordingTo(Comparator.reverseOrder());
            // greedy: the chosen token is the most likely one
            assertThat(top.getFirst().token()).isEqualTo(t.token());
            assertThat(t.logprob()).isLessThanOrEqualTo(0.0).isEqualTo(top.getFirst().logprob());
        }
    }

    @Test
    void presenceAndFrequencyPenaltiesDiscourageRepeats() {
        var plain = tokens(greedyCompletion(48));
        var frequency = tokens(greedyCompletion(48).frequencyPenalty(2.0));
        var presence = tokens(greedyCompletion(48).presencePenalty(2.0));
        assertThat(maxRepeats(frequency)).isLessThan(maxRepeats(plain));
        assertThat(new HashSet<>(presence).size()).isGreaterThan(new HashSet<>(plain).size());
    }

    private static List<String> tokens(CompletionCreateParams.Builder params) {
        var c = client.completions().create(params.logprobs(0).build()).choices().getFirst();
        return c.logprobs().orElseThrow().tokens().orElseThrow();
    }

    private static long maxRepeats(List<String> tokens) {
        return tokens.stream().collect(Collectors.groupingBy(t -> t, Collectors.counting())).values().stream().max(Long::compare).orElse(0L);
    }

    @Test
    void aStopStringOrListEndsTheReplyBeforeIt() {
        String full = text(greedyCompletion(24));
        String[] words = full.strip().split("\\s+");
        assertThat(words.length).as(full).isGreaterThan(6);
        String early = " " + words[2], late = " " + words[5];
        Completion one = client.completions().create(greedyCompletion(24).stop(late).build());
        assertThat(one.choices().getFirst().text()).isEqualTo(full.substring(0, full.indexOf(late)));
        assertThat(one.choices().getFirst().finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
        String listed = text(greedyCompletion(24).stopOfStrings(List.of(late, early)));
        assertThat(listed).isEqualTo(full.substring(0, Math.min(full.indexOf(early), full.indexOf(late))));
    }

    @Test
    void aSeedMakesSamplingRepeatable() {
        CompletionCreateParams.Builder sampled = greedyCompletion(16).temperature(1.0);
        assertThat(text(sampled.seed(7))).isEqualTo(text(sampled.seed(7)));
        Set<String> bySeed = new HashSet<>();
        for (long seed = 1; seed <= 4; seed++) bySeed.add(text(sampled.seed(seed)));
        assertThat(bySeed).hasSizeGreaterThan(1);
    }

    @Test
    void streamOptionsIncludeUsageAddsAFinalUsageChunk() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        var withUsage = chat(6).toBuilder().streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(withUsage)) {
            s.stream().forEach(chunks::add);
        }
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(6);
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat(6))) {
            assertThat(s.stream().filter(c -> c.usage().isPresent()).count()).isZero();
        }
    }

    @Test
    void aPromptOfTokenIdsCompletesAsItsText() throws Exception {
        String prompt = "It is a truth universally acknowledged";
        var tokenized = fixture.post("/tokenize", "{\"content\":\"" + prompt + "\",\"add_special\":true}");
        List<Long> ids = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(tokenized.body()).get("tokens").forEach(t -> ids.add(t.asLong()));
        Completion byIds = client.completions().create(greedyCompletion(8).promptOfArrayOfTokens(ids).build());
        assertThat(byIds.usage().orElseThrow().promptTokens()).isEqualTo(ids.size());
        assertThat(byIds.choices().getFirst().text()).isEqualTo(text(greedyCompletion(8)));
        var detokenized = fixture.post("/detokenize", "{\"tokens\":" + ids + "}");
        assertThat(detokenized.body()).contains(prompt);
    }
}
