package dev.bantam.cli;

import dev.bantam.chat.SamplingOptions;
import dev.bantam.core.generate.SamplerSettings;
import picocli.CommandLine.Option;

import java.util.SplittableRandom;

/**
 * The sampling flags shared by {@code generate} and {@code chat}, with llama.cpp's names and
 * defaults. {@code -n} is not here: its default differs by command (a continuation vs a reply).
 */
final class SamplingFlags {
    @Option(names = "--temp", paramLabel = "T", defaultValue = "0.8", description = "Temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "Keep the K most likely tokens; 0 = off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "Nucleus sampling; 1 = off (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.05", description = "Drop tokens below P × the top probability; 0 = off (default: ${DEFAULT-VALUE}).")
    float minP;

    @Option(names = "--repeat-penalty", paramLabel = "R", defaultValue = "1.0", description = "Penalize the last 64 tokens; 1 = off (default: ${DEFAULT-VALUE}).")
    float repeatPenalty;

    @Option(names = {"-s", "--seed"}, paramLabel = "SEED", description = "Random seed (default: random).")
    Long seed;

    /** The chat API's options for replies of at most {@code maxTokens}, or a usage error naming the flag. */
    SamplingOptions options(int maxTokens) {
        validate(maxTokens);
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, seed, maxTokens);
    }

    /** The core sampler's settings with the seed drawn once here when none was given (so it can be printed). */
    SamplerSettings settings(long seedValue) {
        validate(1);
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, 64, seedValue);
    }

    long seedOrRandom() {
        return seed != null ? seed : new SplittableRandom().nextLong();
    }

    private void validate(int maxTokens) {
        if (maxTokens < 1) throw new UsageException("-n must be >= 1, got " + maxTokens);
        if (temperature < 0) throw new UsageException("--temp must be >= 0, got " + temperature);
        if (topK < 0) throw new UsageException("--top-k must be >= 0, got " + topK);
        if (topP <= 0 || topP > 1) throw new UsageException("--top-p must be in (0, 1], got " + topP);
        if (minP < 0 || minP >= 1) throw new UsageException("--min-p must be in [0, 1), got " + minP);
        if (repeatPenalty <= 0) throw new UsageException("--repeat-penalty must be > 0, got " + repeatPenalty);
    }
}
