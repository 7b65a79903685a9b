package dev.bantam.core.backend;

/** Next-token logits for each sequence of a batch: {@code [batch][vocab]}, row-major. */
public record Logits(int batch, int vocab, float[] data) {
    public Logits {
        if (data.length != batch * vocab) throw new IllegalArgumentException(data.length + " logits for " + batch + " × " + vocab);
    }

    /** The logits of sequence {@code b} (a copy). */
    public float[] row(int b) {
        float[] r = new float[vocab];
        System.arraycopy(data, b * vocab, r, 0, vocab);
        return r;
    }
}
