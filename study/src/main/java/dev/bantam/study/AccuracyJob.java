package dev.bantam.study;

/**
 * The accuracy pass of one variant: perplexity windows over {@code textPath}, compared with the
 * base variant's logits kept in {@code baseDir}. The base itself ({@code isBase}) writes the
 * tokens and logits there instead, so every variant is scored on the same token ids.
 */
public record AccuracyJob(String textPath, int ctx, int windows, String baseDir, boolean isBase) {}
