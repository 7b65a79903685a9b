package dev.bantam.core.model;

import dev.bantam.core.gguf.GgufFormatException;
import dev.bantam.core.gguf.GgufMetadata;

/** The dimensions of a model, read from its GGUF metadata ({@code {arch}.*} keys). */
public record ModelConfig(
        Architecture arch,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffnDim,
        int vocabSize,
        int contextLength,
        float normEps,
        float ropeTheta,
        int ropeDims) {

    public int qDim() { return heads * headDim; }
    public int kvDim() { return kvHeads * headDim; }

    public static ModelConfig from(String file, GgufMetadata m, int vocabSizeFromTokens) {
        String archName = m.getString("general.architecture");
        Architecture arch = Architecture.byName(archName).orElseThrow(() -> new UnsupportedModelException(
                "%s: unsupported architecture '%s' (supported: %s)".formatted(file, archName, Architecture.supportedNames())));
        String p = archName + ".";
        int dim = m.getInt(p + "embedding_length", 1);
        int heads = m.getInt(p + "attention.head_count", 1);
        int kvHeads = m.has(p + "attention.head_count_kv") ? m.getInt(p + "attention.head_count_kv", 1) : heads;
        if (dim % heads != 0) throw new GgufFormatException("%s: embedding_length %d is not a multiple of head_count %d".formatted(file, dim, heads));
        if (heads % kvHeads != 0) throw new GgufFormatException("%s: head_count %d is not a multiple of head_count_kv %d".formatted(file, heads, kvHeads));
        int headDim = dim / heads;
        String epsKey = arch.norm() == Architecture.Norm.RMS ? p + "attention.layer_norm_rms_epsilon" : p + "attention.layer_norm_epsilon";
        float eps = m.optDouble(epsKey).orElse(1e-5).floatValue();
        int ropeDims = m.has(p + "rope.dimension_count") ? m.getInt(p + "rope.dimension_count", 2) : headDim;
        if (ropeDims > headDim || ropeDims % 2 != 0) {
            throw new GgufFormatException("%s: rope.dimension_count %d must be even and at most the head size %d".formatted(file, ropeDims, headDim));
        }
        double theta = m.optDouble(p + "rope.freq_base").orElse(10000.0);
        // untrusted numbers that the forward pass divides by or takes powers of: NaN would flow silently
        if (!(theta > 0 && theta < Float.MAX_VALUE)) throw new GgufFormatException("%s: metadata %srope.freq_base = %s (expected a positive finite number)".formatted(file, p, theta));
        if (!(eps >= 0 && eps < 1)) throw new GgufFormatException("%s: metadata %s = %s (expected a finite number in [0, 1))".formatted(file, epsKey, eps));
        int vocab = m.has(p + "vocab_size") ? m.getInt(p + "vocab_size", 1) : vocabSizeFromTokens;
        return new ModelConfig(arch, dim,
                m.getInt(p + "block_count", 1), heads, kvHeads, headDim,
                m.getInt(p + "feed_forward_length", 1), vocab,
                m.getInt(p + "context_length", 1), eps,
                (float) theta, ropeDims);
    }
}
