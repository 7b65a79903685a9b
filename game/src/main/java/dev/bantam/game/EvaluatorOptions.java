package dev.bantam.game;

/**
 * How a game network is opened.
 *
 * @param prefixReuse keep and reuse the KV of evaluated histories (false: recompute every record)
 * @param threads     threads of the forward pass
 * @param recordStart for files that carry no record format (ONNX): the text before the first move
 */
public record EvaluatorOptions(boolean prefixReuse, int threads, String recordStart) {}
