package dev.bantam.chat;

import dev.bantam.core.generate.SamplerSettings;

import java.util.SplittableRandom;

/**
 * How replies are sampled, with llama.cpp's defaults. {@code temperature} 0 is greedy;
 * {@code topK} 0, {@code topP} 1, {@code minP} 0 and {@code repeatPenalty} 1 turn their step off.
 *
 * @param seed      null for a random seed per reply
 * @param maxTokens the most tokens of one reply
 */
public record SamplingOptions(float temperature, int topK, float topP, float minP, float repeatPenalty,
                              Long seed, int maxTokens) {
    public static final SamplingOptions DEFAULTS = new SamplingOptions(0.8f, 40, 0.95f, 0.05f, 1.0f, null, 512);
    public static final SamplingOptions GREEDY = new SamplingOptions(0, 0, 1, 0, 1.0f, 0L, 512);

    public SamplingOptions {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("min-p must be in [0, 1), got " + minP);
        if (!(repeatPenalty > 0)) throw new IllegalArgumentException("repeat penalty must be > 0, got " + repeatPenalty);
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
    }

    public SamplingOptions withTemperature(float t) { return new SamplingOptions(t, topK, topP, minP, repeatPenalty, seed, maxTokens); }
    public SamplingOptions withSeed(Long s) { return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, s, maxTokens); }
    public SamplingOptions withMaxTokens(int n) { return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, seed, n); }

    /** The core sampler's settings for one reply (a fresh random seed when none is set). */
    SamplerSettings settings() {
        long s = seed != null ? seed : new SplittableRandom().nextLong();
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, 64, s);
    }
}
