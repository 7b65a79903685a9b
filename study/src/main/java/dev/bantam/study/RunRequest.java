package dev.bantam.study;

/** One run a worker executes: a scenario's warm-up or measured repetition (or the accuracy pass). */
public record RunRequest(int index, String scenario, int batch, int promptTokens, int decodeSteps,
                         boolean warmup, int repetition) {}
