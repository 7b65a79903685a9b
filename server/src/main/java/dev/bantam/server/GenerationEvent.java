package dev.bantam.server;

import java.util.List;

/** What the scheduler tells a request's HTTP handler, in order: text pieces, then one end. */
sealed interface GenerationEvent {
    /** Text that can be shown (possibly empty when a token completes no character), with the token's logprob when asked. */
    record Text(String text, TokenLogprob logprob) implements GenerationEvent {}

    /** The reply ended: {@code stop} or {@code length}. */
    record Done(String finishReason, int promptTokens, int reusedTokens, int completionTokens) implements GenerationEvent {}

    record Failed(ApiError error) implements GenerationEvent {}

    /** One sampled token's log-probability and the most likely alternatives, as OpenAI reports them. */
    record TokenLogprob(String token, double logprob, byte[] bytes, List<Alternative> top) {}

    record Alternative(String token, double logprob, byte[] bytes) {}
}
