package dev.bantam.cli;

import dev.bantam.chat.SamplingOptions;
import picocli.CommandLine.Option;

/** The sampling flags of {@code generate} (same names and defaults), for commands built on the chat API. */
final class SamplingFlags {
    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", defaultValue = "512", description = "Most tokens of one reply (default: ${DEFAULT-VALUE}).")
    int maxTokens;

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

    /** The options, or a usage error naming the flag whose value cannot work. */
    SamplingOptions options() {
        if (maxTokens < 1) throw new UsageException("-n must be >= 1, got " + maxTokens);
        if (temperature < 0) throw new UsageException("--temp must be >= 0, got " + temperature);
        if (topK < 0) throw new UsageException("--top-k must be >= 0, got " + topK);
        if (topP <= 0 || topP > 1) throw new UsageException("--top-p must be in (0, 1], got " + topP);
        if (minP < 0 || minP >= 1) throw new UsageException("--min-p must be in [0, 1), got " + minP);
        if (repeatPenalty <= 0) throw new UsageException("--repeat-penalty must be > 0, got " + repeatPenalty);
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, seed, maxTokens);
    }
}
