package dev.bantam.core.model;

import java.util.Map;
import java.util.Optional;

/**
 * How one family of decoder-only transformers differs from another: a row of data, not a class.
 * The forward pass in {@link Transformer} reads these switches; {@code linearBiases} (every linear
 * layer has a bias) and {@code qkvBiases} (only q, k, v have one) say which bias tensors a file of
 * this architecture carries. specs/architectures.md gives the semantics of every switch.
 *
 * @param qkNorm         RMSNorm of every q and k head over its head size ({@code attn_q_norm},
 *                       {@code attn_k_norm}, one weight vector shared by the heads), before RoPE
 * @param postNorms      a second RMSNorm on the output of attention and of the feed-forward block,
 *                       before each residual add ({@code post_attention_norm}, {@code post_ffw_norm})
 * @param scaleEmbedding token embeddings multiplied by sqrt(n_embd)
 * @param fusedGateUp    {@code ffn_up} holds gate (first half) and up (second half); no {@code ffn_gate}
 * @param slidingWindow  the file's {@code attention.sliding_window} applies (llama.cpp ignores the key
 *                       for llama, mistral and qwen2, so a file of those that carries it runs unchanged)
 * @param globalEvery    0: every layer uses the file's sliding window (none when it is 0); n: layer l
 *                       is global (full causal attention, the file's rope base) iff l % n == n − 1,
 *                       the others use the window and {@code localRopeBase}
 * @param localRopeBase  the RoPE base of windowed layers when {@code globalEvery > 0}: a value that
 *                       the file does not carry (llama.cpp hard-codes it)
 */
public record Architecture(
        String name,
        Norm norm,
        Activation activation,
        Positions positions,
        boolean fusedQkv,
        boolean linearBiases,
        boolean qkvBiases,
        boolean qkNorm,
        boolean postNorms,
        boolean scaleEmbedding,
        boolean fusedGateUp,
        boolean slidingWindow,
        int globalEvery,
        double localRopeBase) {

    public enum Norm { RMS, LAYER }
    /** SWIGLU: silu(gate)·up; GEGLU: gelu_tanh(gate)·up; GELU: gelu_tanh(up), no gate. */
    public enum Activation { SWIGLU, GEGLU, GELU }
    public enum Positions { ROPE_NORMAL, ROPE_NEOX, LEARNED }

    private static Architecture classic(String name, Norm norm, Activation act, Positions pos, boolean fusedQkv, boolean linearBiases, boolean qkvBiases) {
        return new Architecture(name, norm, act, pos, fusedQkv, linearBiases, qkvBiases, false, false, false, false, false, 0, 0);
    }

    private static final Map<String, Architecture> KNOWN = Map.of(
            "llama", classic("llama", Norm.RMS, Activation.SWIGLU, Positions.ROPE_NORMAL, false, false, false),
            "mistral", classic("mistral", Norm.RMS, Activation.SWIGLU, Positions.ROPE_NORMAL, false, false, false),
            "qwen2", classic("qwen2", Norm.RMS, Activation.SWIGLU, Positions.ROPE_NEOX, false, false, true),
            "gpt2", classic("gpt2", Norm.LAYER, Activation.GELU, Positions.LEARNED, true, true, true),
            //                                                                   fusedQkv linB  qkvB   qkNorm postN  scaleE gateUp window globalEvery localBase
            // qwen3's optional window (use_sliding_window) is off in published configs and ignored by llama.cpp (spec §3)
            "qwen3", new Architecture("qwen3", Norm.RMS, Activation.SWIGLU, Positions.ROPE_NEOX, false, false, false, true, false, false, false, false, 0, 0),
            // 5 local layers (window, base 10000) then 1 global: lc-cur set_swa_pattern(6)
            "gemma3", new Architecture("gemma3", Norm.RMS, Activation.GEGLU, Positions.ROPE_NEOX, false, false, false, true, true, true, false, true, 6, 10000),
            "phi3", new Architecture("phi3", Norm.RMS, Activation.SWIGLU, Positions.ROPE_NEOX, true, false, false, false, false, false, true, true, 0, 0));

    public static Optional<Architecture> byName(String name) {
        return Optional.ofNullable(KNOWN.get(name));
    }

    public static String supportedNames() {
        return String.join(", ", new java.util.TreeSet<>(KNOWN.keySet()));
    }

    public boolean usesRope() {
        return positions != Positions.LEARNED;
    }

    /** The feed-forward block has a gate (SwiGLU, GeGLU), separate or fused into {@code ffn_up}. */
    public boolean gated() {
        return activation != Activation.GELU;
    }
}
