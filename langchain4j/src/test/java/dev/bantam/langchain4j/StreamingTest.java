package dev.bantam.langchain4j;

import dev.bantam.chat.LanguageModel;
import dev.bantam.chat.SamplingOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming through LangChain4j's StreamingChatResponseHandler. */
class StreamingTest {
    private static LanguageModel austen;
    private static BantamChatModel model;

    @BeforeAll
    static void load() throws IOException {
        austen = Models.austen();
        model = BantamChatModel.builder().model(austen).sampling(SamplingOptions.GREEDY).maxOutputTokens(16).build();
    }

    @AfterAll
    static void close() {
        austen.close();
    }

    /** Collects a streamed reply: the pieces, then the response or the error. */
    private static final class Collector implements StreamingChatResponseHandler {
        final StringBuilder pieces = new StringBuilder();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        int count;
        boolean cancelAtFirst;

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            pieces.append(partial.text());
            count++;
            if (cancelAtFirst) context.streamingHandle().cancel();
        }

        @Override
        public void onCompleteResponse(ChatResponse response) { done.complete(response); }

        @Override
        public void onError(Throwable error) { done.completeExceptionally(error); }

        ChatResponse await() throws Exception { return done.get(60, TimeUnit.SECONDS); }
    }

    @Test
    void thePiecesMakeUpTheCompleteResponseWhichEqualsTheBlockingOne() throws Exception {
        StreamingChatModel streaming = model;
        Collector c = new Collector();
        streaming.chat("Who was Mr Knightley?", c);
        ChatResponse r = c.await();
        assertThat(c.count).isGreaterThan(1);
        assertThat(c.pieces.toString()).isEqualTo(r.aiMessage().text()).isEqualTo(model.chat("Who was Mr Knightley?"));
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(16);
    }

    @Test
    void cancellingTheStreamingHandleStopsTheReply() throws Exception {
        Collector c = new Collector();
        c.cancelAtFirst = true;
        model.chat("Go on and on.", c);
        ChatResponse r = c.await();
        assertThat(r.finishReason()).isEqualTo(FinishReason.OTHER);
        assertThat(r.tokenUsage().outputTokenCount()).isLessThan(16);
    }

    @Test
    void anErrorGoesToOnError() {
        Collector c = new Collector();
        model.chat("word ".repeat(2000), c);
        assertThat(c.done).failsWithin(60, TimeUnit.SECONDS).withThrowableThat()
                .havingRootCause().isInstanceOf(IllegalArgumentException.class).withMessageContaining("but the context holds 1024");
    }
}
