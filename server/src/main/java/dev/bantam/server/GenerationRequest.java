package dev.bantam.server;

import dev.bantam.core.generate.SamplerSettings;

import java.util.List;
import java.util.Set;

/**
 * What one request asks the scheduler to generate, already validated: the prompt's tokens, how to
 * sample, and when to stop.
 *
 * @param presencePenalty  OpenAI's: subtracted once from the logit of every token already generated
 * @param frequencyPenalty OpenAI's: subtracted per occurrence of a generated token
 * @param stopTokens       ids that end the reply besides the tokenizer's end-of-generation ones
 * @param stopTexts        texts that end the reply (the client's {@code stop} and end-of-turn markers without a token)
 * @param topLogprobs      -1: no logprobs; otherwise the number of alternatives to report per token
 * @param ignoreEos        keep generating past end-of-generation tokens (benchmarks)
 */
public record GenerationRequest(int[] prompt, SamplerSettings sampling, float presencePenalty, float frequencyPenalty,
                                int maxTokens, Set<Integer> stopTokens, List<String> stopTexts, int topLogprobs,
                                boolean ignoreEos) {
    public GenerationRequest {
        if (prompt.length == 0) throw ApiError.invalid("prompt", "the prompt has no tokens");
        stopTokens = Set.copyOf(stopTokens);
        stopTexts = List.copyOf(stopTexts);
    }

    boolean logprobs() { return topLogprobs >= 0; }
}
