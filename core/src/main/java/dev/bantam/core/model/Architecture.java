package dev.bantam.core.model;

import java.util.Map;
import java.util.Optional;

/**
 * How one family of decoder-only transformers differs from another: a row of data, not a class.
 * The forward pass in {@link Transformer} reads these switches; {@code linearBiases} (every linear
 * layer has a bias) and {@code qkvBiases} (only q, k, v have one) say which bias tensors a file of
 * this architecture carries.
 */
public record Architecture(
        String name,
        Norm norm,
        Activation activation,
        Positions positions,
        boolean fusedQkv,
        boolean linearBiases,
        boolean qkvBiases) {

    public enum Norm { RMS, LAYER }
    public enum Activation { SWIGLU, GELU }
    public enum Positions { ROPE_NORMAL, ROPE_NEOX, LEARNED }

    private static final Map<String, Architecture> KNOWN = Map.of(
            "llama", new Architecture("llama", Norm.RMS, Activation.SWIGLU, Positions.ROPE_NORMAL, false, false, false),
            "mistral", new Architecture("mistral", Norm.RMS, Activation.SWIGLU, Positions.ROPE_NORMAL, false, false, false),
            "qwen2", new Architecture("qwen2", Norm.RMS, Activation.SWIGLU, Positions.ROPE_NEOX, false, false, true),
            "gpt2", new Architecture("gpt2", Norm.LAYER, Activation.GELU, Positions.LEARNED, true, true, true));

    public static Optional<Architecture> byName(String name) {
        return Optional.ofNullable(KNOWN.get(name));
    }

    public static String supportedNames() {
        return String.join(", ", new java.util.TreeSet<>(KNOWN.keySet()));
    }

    public boolean usesRope() {
        return positions != Positions.LEARNED;
    }
}
