package dev.bantam.core.generate;

/**
 * Sampling parameters with llama.cpp's defaults. {@code temperature <= 0} means greedy;
 * {@code topK <= 0}, {@code topP >= 1}, {@code minP <= 0} and {@code repeatPenalty == 1} disable
 * their step.
 */
public record SamplerSettings(float temperature, int topK, float topP, float minP,
                              float repeatPenalty, int repeatLastN, long seed) {
    public static final SamplerSettings GREEDY = new SamplerSettings(0, 0, 1, 0, 1, 64, 0);

    public static SamplerSettings defaults(long seed) {
        return new SamplerSettings(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, seed);
    }
}
