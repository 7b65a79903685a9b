package dev.bantam.langchain4j;

import dev.bantam.chat.LanguageModel;
import dev.bantam.chat.Reply;
import dev.bantam.chat.SamplingOptions;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A Bantam {@link LanguageModel} as LangChain4j's {@link ChatModel} and {@link StreamingChatModel}
 * (one object serves both, so that an AI service can be given it as either). Each request renders
 * the whole conversation with the model's chat template; the model's KV cache keeps the prefix
 * that the previous request shared with it, so a growing conversation computes only what is new.
 * Requests take turns on the model. Tool specifications go to the template, and the calls the
 * model writes in its template's syntax come back as tool execution requests.
 * <pre>{@code
 * BantamChatModel chat = BantamChatModel.builder().model(Bantam.load("austen-llama-7m")).maxOutputTokens(64).build();
 * String answer = chat.chat("Who is Mr Darcy?");
 * }</pre>
 */
public final class BantamChatModel implements ChatModel, StreamingChatModel {
    private final LanguageModel model;
    private final SamplingOptions sampling;
    private final ChatRequestParameters defaults;
    private final Map<String, Object> templateArguments;
    private final List<ChatModelListener> listeners;

    private BantamChatModel(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model (BantamChatModel.builder().model(...))");
        this.sampling = b.sampling.withSeed(b.seed != null ? b.seed : b.sampling.seed());
        this.defaults = DefaultChatRequestParameters.builder()
                .modelName(model.name())
                .temperature(b.temperature != null ? b.temperature : (double) sampling.temperature())
                .topP(b.topP != null ? b.topP : (double) sampling.topP())
                .topK(b.topK != null ? b.topK : sampling.topK())
                .maxOutputTokens(b.maxOutputTokens != null ? b.maxOutputTokens : sampling.maxTokens())
                .stopSequences(b.stopSequences)
                .build();
        this.templateArguments = Map.copyOf(b.templateArguments);
        this.listeners = List.copyOf(b.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return Responses.of(reply(request, text -> {}, () -> false), model.name());
    }

    /**
     * Streams on a virtual thread: the content as it is produced to {@code onPartialResponse}
     * (whose context's streaming handle stops the reply when cancelled),
     * each tool call to {@code onCompleteToolCall} once the reply is complete (a call is only
     * known to be one when its closing marker or the turn's end is written), then the response.
     */
    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Thread.ofVirtual().name("bantam-langchain4j").start(() -> {
            ChatResponse response;
            try {
                Cancellation handle = new Cancellation();
                PartialResponseContext context = new PartialResponseContext(handle);
                Reply reply = reply(request, text -> handler.onPartialResponse(new PartialResponse(text), context), handle::isCancelled);
                for (int i = 0; i < reply.toolCalls().size(); i++) {
                    handler.onCompleteToolCall(new CompleteToolCall(i, Responses.request(reply.toolCalls().get(i))));
                }
                response = Responses.of(reply, model.name());
            } catch (RuntimeException e) {
                handler.onError(e);
                return;
            }
            handler.onCompleteResponse(response);
        });
    }

    private Reply reply(ChatRequest request, Consumer<String> onText, BooleanSupplier cancelled) {
        ChatRequestParameters p = request.parameters();
        return model.reply(Messages.toTemplate(request.messages()), Requests.tools(p), templateArguments,
                Requests.sampling(p, sampling), Requests.stop(p), cancelled, onText);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() { return defaults; }

    @Override
    public List<ChatModelListener> listeners() { return listeners; }

    @Override
    public ModelProvider provider() { return ModelProvider.OTHER; }

    @Override
    public Set<Capability> supportedCapabilities() { return Set.of(); }

    /** The Bantam model it runs on. */
    public LanguageModel model() { return model; }

    /**
     * Settings for every request; a request's own parameters override them. {@code sampling} gives
     * what LangChain4j has no parameter for (min-p, the repeat penalty, the seed).
     */
    public static final class Builder {
        private LanguageModel model;
        private SamplingOptions sampling = SamplingOptions.DEFAULTS;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Integer maxOutputTokens;
        private Long seed;
        private List<String> stopSequences = List.of();
        private Map<String, Object> templateArguments = Map.of();
        private List<ChatModelListener> listeners = List.of();

        private Builder() {}

        /** The model (from {@code Bantam.load}); the chat model does not close it. */
        public Builder model(LanguageModel model) { this.model = model; return this; }
        public Builder sampling(SamplingOptions sampling) { this.sampling = Objects.requireNonNull(sampling, "sampling"); return this; }
        public Builder temperature(Double temperature) { this.temperature = temperature; return this; }
        public Builder topP(Double topP) { this.topP = topP; return this; }
        public Builder topK(Integer topK) { this.topK = topK; return this; }
        public Builder maxOutputTokens(Integer maxOutputTokens) { this.maxOutputTokens = maxOutputTokens; return this; }
        /** A fixed seed makes sampled replies repeatable; null draws one per reply. */
        public Builder seed(Long seed) { this.seed = seed; return this; }
        public Builder stopSequences(List<String> stopSequences) { this.stopSequences = List.copyOf(stopSequences); return this; }
        /** Extra variables for the chat template, such as Qwen3's {@code enable_thinking}. */
        public Builder templateArguments(Map<String, ?> arguments) { this.templateArguments = Map.copyOf(arguments); return this; }
        public Builder listeners(List<ChatModelListener> listeners) { this.listeners = List.copyOf(listeners); return this; }

        public BantamChatModel build() {
            return new BantamChatModel(this);
        }
    }
}
