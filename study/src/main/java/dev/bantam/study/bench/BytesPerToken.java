package dev.bantam.study.bench;

import dev.bantam.core.gguf.GgufTensorInfo;

import java.util.Collection;

/**
 * The bytes one decode step must read from memory: every 2-D weight matrix once, except the
 * token (and learned position) embeddings, of which only one row is read; the output matrix
 * (the token embedding read a second time, whole, when the output is tied to it); and the
 * float32 K and V cache of every layer up to the current position. 1-D tensors (norms, biases)
 * are left out: they are small and live in the CPU caches.
 */
public record BytesPerToken(long matrixBytes, long embeddingRowBytes, long tiedOutputBytes, double kvBytes) {
    static final String TOKEN_EMBEDDING = "token_embd.weight";
    static final String POSITION_EMBEDDING = "position_embd.weight";
    static final String OUTPUT = "output.weight";

    /**
     * @param kvDim       K (or V) values per position per layer (kvHeads · headDim)
     * @param kvPositions cached positions read per step (for a tgN test, (N + 1) / 2 on average)
     */
    public static BytesPerToken of(Collection<GgufTensorInfo> tensors, int layers, int kvDim, double kvPositions) {
        long matrices = 0, rows = 0, tied = 0;
        boolean hasOutput = tensors.stream().anyMatch(t -> t.name().equals(OUTPUT));
        for (GgufTensorInfo t : tensors) {
            if (t.shape().length != 2) continue;
            if (t.name().equals(TOKEN_EMBEDDING) || t.name().equals(POSITION_EMBEDDING)) {
                rows += t.type().bytesFor(t.shape()[0]);
                if (t.name().equals(TOKEN_EMBEDDING) && !hasOutput) tied = t.byteSize();
            } else {
                matrices += t.byteSize();
            }
        }
        double kv = (double) layers * 2 * kvDim * Float.BYTES * kvPositions;
        return new BytesPerToken(matrices, rows, tied, kv);
    }

    public double total() {
        return matrixBytes + embeddingRowBytes + tiedOutputBytes + kvBytes;
    }
}
