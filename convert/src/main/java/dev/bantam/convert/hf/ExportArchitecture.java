package dev.bantam.convert.hf;

import dev.bantam.core.gguf.GgufMetadata;
import dev.bantam.core.model.ModelConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One row per GGUF architecture that can be exported to Hugging Face: the model class, the
 * tensor names (GGUF → HF, with the transform each needs) and the {@code config.json} keys. A
 * new architecture (qwen3, gemma3, phi3) is a new row: its block names, which tensors are
 * rope-permuted or transposed, and its config keys (architectures.md §6 read backwards).
 */
public record ExportArchitecture(String gguf, String hfClass, String modelType, String prefix, String blockPrefix,
                             Map<String, String> globals, Map<String, String> blocks, Map<String, Transform> transforms,
                             ConfigKeys config) {

    /** What a tensor needs on the way out besides the dequantization. */
    public enum Transform {
        NONE,
        /** q rows back to HF's half-split order, over the attention heads (§6.2). */
        UNPERMUTE_Q,
        /** k rows back to HF's order, over the kv heads. */
        UNPERMUTE_K,
        /** GPT-2's Conv1D stores {@code [in, out]}: the transpose of GGUF's {@code [out][in]} rows. */
        TRANSPOSE
    }

    /** The architecture-specific part of config.json. */
    public interface ConfigKeys {
        void put(Map<String, Object> json, ModelConfig c, GgufMetadata m);
    }

    private static final Map<String, String> LLAMA_BLOCKS = Map.of(
            "attn_norm", "input_layernorm", "attn_q", "self_attn.q_proj", "attn_k", "self_attn.k_proj",
            "attn_v", "self_attn.v_proj", "attn_output", "self_attn.o_proj", "ffn_norm", "post_attention_layernorm",
            "ffn_gate", "mlp.gate_proj", "ffn_up", "mlp.up_proj", "ffn_down", "mlp.down_proj");
    private static final Map<String, String> LLAMA_GLOBALS = Map.of(
            "token_embd", "model.embed_tokens", "output_norm", "model.norm", "output", "lm_head");
    private static final Map<String, Transform> ROPE_PERMUTED = Map.of("attn_q", Transform.UNPERMUTE_Q, "attn_k", Transform.UNPERMUTE_K);

    private static final Map<String, ExportArchitecture> ROWS = rows(
            new ExportArchitecture("llama", "LlamaForCausalLM", "llama", "model.", "model.layers.", LLAMA_GLOBALS, LLAMA_BLOCKS, ROPE_PERMUTED,
                    (j, c, m) -> {
                        j.put("attention_bias", false);
                        j.put("mlp_bias", false);
                        ropeKeys(j, c, m);
                    }),
            // llama.cpp converts Mistral checkpoints with the llama permutation; sliding window off, as the engine runs them
            new ExportArchitecture("mistral", "MistralForCausalLM", "mistral", "model.", "model.layers.", LLAMA_GLOBALS, LLAMA_BLOCKS, ROPE_PERMUTED,
                    (j, c, m) -> {
                        j.put("sliding_window", null);
                        ropeKeys(j, c, m);
                    }),
            // Qwen2 rotates halves (NEOX) like HF, so nothing is permuted; its q/k/v biases are built in
            new ExportArchitecture("qwen2", "Qwen2ForCausalLM", "qwen2", "model.", "model.layers.", LLAMA_GLOBALS, LLAMA_BLOCKS, Map.of(),
                    (j, c, m) -> {
                        j.put("use_sliding_window", false);
                        j.put("sliding_window", null);
                        ropeKeys(j, c, m);
                    }),
            new ExportArchitecture("gpt2", "GPT2LMHeadModel", "gpt2", "transformer.", "transformer.h.",
                    Map.of("token_embd", "transformer.wte", "position_embd", "transformer.wpe", "output_norm", "transformer.ln_f", "output", "lm_head"),
                    Map.of("attn_norm", "ln_1", "attn_qkv", "attn.c_attn", "attn_output", "attn.c_proj", "ffn_norm", "ln_2",
                            "ffn_up", "mlp.c_fc", "ffn_down", "mlp.c_proj"),
                    Map.of("attn_qkv", Transform.TRANSPOSE, "attn_output", Transform.TRANSPOSE, "ffn_up", Transform.TRANSPOSE, "ffn_down", Transform.TRANSPOSE),
                    (j, c, m) -> {
                        j.put("n_embd", c.dim());
                        j.put("n_layer", c.layers());
                        j.put("n_head", c.heads());
                        j.put("n_inner", c.ffnDim());
                        j.put("n_positions", c.contextLength());
                        j.put("n_ctx", c.contextLength());
                        j.put("layer_norm_epsilon", decimal(c.normEps()));
                        j.put("activation_function", "gelu_new"); // the tanh approximation, as the engine computes it
                        j.put("scale_attn_weights", true);
                        for (String p : new String[] {"attn_pdrop", "embd_pdrop", "resid_pdrop"}) j.put(p, 0.0);
                    }));

    private static Map<String, ExportArchitecture> rows(ExportArchitecture... rows) {
        Map<String, ExportArchitecture> m = new LinkedHashMap<>();
        for (ExportArchitecture r : rows) m.put(r.gguf, r);
        return Map.copyOf(m);
    }

    public static Optional<ExportArchitecture> of(String ggufArchitecture) {
        return Optional.ofNullable(ROWS.get(ggufArchitecture));
    }

    public static String supportedNames() {
        return String.join(", ", new java.util.TreeSet<>(ROWS.keySet()));
    }

    /** The HF name and transform of a GGUF tensor, or empty when this row has no counterpart for it. */
    public Optional<Mapping> map(String ggufName) {
        int dot = ggufName.lastIndexOf('.');
        if (dot < 0) return Optional.empty();
        String base = ggufName.substring(0, dot), suffix = ggufName.substring(dot); // ".weight" / ".bias"
        if (base.startsWith("blk.")) {
            int end = base.indexOf('.', 4);
            if (end < 0) return Optional.empty();
            String layer = base.substring(4, end), role = base.substring(end + 1);
            String hf = blocks.get(role);
            if (hf == null) return Optional.empty();
            return Optional.of(new Mapping(blockPrefix + layer + "." + hf + suffix, transforms.getOrDefault(role, Transform.NONE)));
        }
        String hf = globals.get(base);
        return hf == null ? Optional.empty() : Optional.of(new Mapping(hf + suffix, Transform.NONE));
    }

    public record Mapping(String hfName, Transform transform) {}

    /** GGUF holds float32: written as its shortest decimal (1e-5, not 9.99999974e-6), the value the HF config had before conversion. */
    static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /** The llama-family keys: sizes, norm epsilon, RoPE base (transformers 5's rope_parameters and the legacy top-level key). */
    private static void ropeKeys(Map<String, Object> j, ModelConfig c, GgufMetadata m) {
        j.put("hidden_size", c.dim());
        j.put("intermediate_size", c.ffnDim());
        j.put("num_hidden_layers", c.layers());
        j.put("num_attention_heads", c.heads());
        j.put("num_key_value_heads", c.kvHeads());
        j.put("head_dim", c.headDim());
        j.put("max_position_embeddings", c.contextLength());
        j.put("rms_norm_eps", decimal(c.normEps()));
        j.put("hidden_act", "silu");
        double theta = decimal(c.ropeTheta());
        Map<String, Object> rope = new LinkedHashMap<>();
        rope.put("rope_theta", theta);
        String prefix = c.arch().name() + ".rope.scaling.";
        String scaling = m.optString(prefix + "type").orElse("none");
        switch (scaling) {
            case "none" -> rope.put("rope_type", "default");
            case "linear" -> {
                rope.put("rope_type", "linear");
                rope.put("factor", m.optDouble(prefix + "factor").orElseThrow(() -> new IllegalArgumentException(prefix + "factor is missing")));
            }
            default -> throw new IllegalArgumentException("RoPE scaling '" + scaling + "' has no Hugging Face export yet (only linear)");
        }
        j.put("rope_parameters", rope);
        j.put("rope_theta", theta);
        j.put("rope_scaling", scaling.equals("none") ? null : Map.of("rope_type", "linear", "type", "linear", "factor", rope.get("factor")));
    }
}
