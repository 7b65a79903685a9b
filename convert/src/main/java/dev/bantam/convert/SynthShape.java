package dev.bantam.convert;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The dimensions of a model to synthesize: a real model's shape, with random weights. */
public record SynthShape(String arch, int dim, int layers, int heads, int kvHeads, int ffn, int vocab,
                         int context, float ropeTheta, float normEps, boolean tiedOutput) {

    private static final Map<String, SynthShape> PRESETS = new TreeMap<>(Map.of(
            // GPT-2 small
            "gpt2-124m", new SynthShape("gpt2", 768, 12, 12, 12, 3072, 50257, 1024, 10000, 1e-5f, true),
            // Llama 3.2 1B
            "llama-1b", new SynthShape("llama", 2048, 16, 32, 8, 8192, 128256, 131072, 500000, 1e-5f, true),
            // Qwen2 0.5B
            "qwen2-0.5b", new SynthShape("qwen2", 896, 24, 14, 2, 4864, 151936, 32768, 1000000, 1e-6f, true),
            // Llama 2 7B
            "llama-7b", new SynthShape("llama", 4096, 32, 32, 32, 11008, 32000, 4096, 10000, 1e-5f, false)));

    public static Optional<SynthShape> preset(String name) {
        return Optional.ofNullable(PRESETS.get(name));
    }

    public static String presetNames() {
        return String.join(", ", PRESETS.keySet());
    }

    public int headDim() { return dim / heads; }

    /** Parameter count (every tensor the file will hold). */
    public long parameters() {
        long kv = (long) kvHeads * headDim();
        long perLayer = (long) dim * dim * 2 + 2 * dim * kv + (long) ffn * dim * (arch.equals("gpt2") ? 2 : 3);
        long embeddings = (long) vocab * dim * (tiedOutput ? 1 : 2) + (arch.equals("gpt2") ? (long) context * dim : 0);
        return layers * perLayer + embeddings;
    }
}
