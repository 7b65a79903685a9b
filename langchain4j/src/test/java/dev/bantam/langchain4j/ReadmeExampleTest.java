package dev.bantam.langchain4j;

import dev.bantam.chat.LanguageModel;
import dev.bantam.testing.Fixtures;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's LangChain4j example, run as written (between the markers), and the check that the
 * README still shows exactly this code. AiServices comes from the {@code langchain4j} artifact.
 */
class ReadmeExampleTest {
    interface Librarian {
        String answer(String question);
    }

    @Test
    void theReadmeExampleRuns() throws Exception {
        CompletableFuture<ChatResponse> streamed = new CompletableFuture<>();
        try (LanguageModel austen = Models.austen()) {
            // README:start
            BantamChatModel model = BantamChatModel.builder()
                    .model(austen)                          // a LanguageModel from Bantam.load(...)
                    .temperature(0.7).maxOutputTokens(32).seed(42L)
                    .build();

            String answer = model.chat("Who is Mr Darcy?");                          // ChatModel

            ChatResponse response = model.chat(ChatRequest.builder()
                    .messages(SystemMessage.from("You are brief."), UserMessage.from("Is it raining in Bath?"))
                    .toolSpecifications(ToolSpecification.builder().name("get_weather").description("Current weather")
                            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
                            .build())
                    .build());
            for (ToolExecutionRequest call : response.aiMessage().toolExecutionRequests()) {
                System.out.println(call.name() + " " + call.arguments());   // answer with a ToolExecutionResultMessage
            }

            model.chat("Tell me of Bath.", new StreamingChatResponseHandler() {      // StreamingChatModel
                @Override public void onPartialResponse(String text) { System.out.print(text); }
                @Override public void onCompleteResponse(ChatResponse r) { streamed.complete(r); }
                @Override public void onError(Throwable e) { streamed.completeExceptionally(e); }
            });

            Librarian librarian = AiServices.builder(Librarian.class).chatModel(model).build();   // an AI service
            String reply = librarian.answer("Which novel has Emma Woodhouse in it?");
            // README:end
            assertThat(answer).isNotBlank();
            assertThat(response.tokenUsage().outputTokenCount()).isPositive();
            assertThat(reply).isNotBlank();
            assertThat(streamed.get(60, TimeUnit.SECONDS).aiMessage().text()).isNotBlank();
        }
    }

    @Test
    void theReadmeShowsThisExample() throws IOException {
        Path repo = Fixtures.root().getParent();
        String source = Files.readString(repo.resolve("langchain4j/src/test/java/dev/bantam/langchain4j/ReadmeExampleTest.java"));
        String example = source.substring(source.indexOf("// README:start\n") + "// README:start\n".length(), source.indexOf("            // README:end"))
                .lines().map(line -> line.length() >= 12 ? line.substring(12) : line.strip()) // the method body's indentation
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        assertThat(Files.readString(repo.resolve("README.md"))).contains(example);
    }
}
