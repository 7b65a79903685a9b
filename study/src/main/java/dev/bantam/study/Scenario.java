package dev.bantam.study;

import java.util.List;

/** One workload: {@code batch} sequences of {@code promptTokens} random tokens, then {@code decodeSteps} single-token steps. */
public record Scenario(String name, int batch, int promptTokens, int decodeSteps) {
    /** benchmark.md's default matrix; the names are stable so results compare across versions. */
    public static final List<Scenario> DEFAULT_MATRIX = List.of(
            new Scenario("single_micro", 1, 8, 32),
            new Scenario("single_short", 1, 32, 32),
            new Scenario("single_medium", 1, 64, 32),
            new Scenario("single_long", 1, 128, 32),
            new Scenario("batch_short", 4, 32, 32),
            new Scenario("batch_medium", 4, 64, 32));

    public static final List<Integer> DEFAULT_SWEEP = List.of(20, 50, 100, 150, 200, 300, 400, 500);
    public static final String SWEEP_PREFIX = "sweep_";

    public Scenario {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("scenario name must be letters, digits, '_', '.', '-', got " + name);
        if (batch < 1) throw new IllegalArgumentException("scenario " + name + ": batch must be >= 1, got " + batch);
        if (promptTokens < 1) throw new IllegalArgumentException("scenario " + name + ": prompt_tokens must be >= 1, got " + promptTokens);
        if (decodeSteps < 0) throw new IllegalArgumentException("scenario " + name + ": decode_steps must be >= 0, got " + decodeSteps);
    }

    /** The sweep point at {@code length} prompt tokens. */
    public static Scenario sweep(int length, int decodeSteps) {
        return new Scenario(SWEEP_PREFIX + length, 1, length, decodeSteps);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isSweep() { return name.startsWith(SWEEP_PREFIX); }

    public int contextNeeded() { return promptTokens + decodeSteps; }
}
