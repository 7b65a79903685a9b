package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.convert.hf.HfArchitecture.Check;
import dev.bantam.convert.hf.HfArchitecture.Key;
import dev.bantam.convert.hf.HfArchitecture.Source;
import dev.bantam.convert.hf.HfArchitecture.Transform;
import dev.bantam.core.gguf.GgufValue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.bantam.core.format.ModelFormatException.quote;

/**
 * The Hugging Face → GGUF table: one {@link HfArchitecture} row per family, with llama.cpp's
 * metadata keys and tensor names (spec: architectures.md §6, gguf.md). To add a family, add a row.
 */
final class HfArchitectures {
    private HfArchitectures() {}

    // ---- tensor names -------------------------------------------------------------------------

    /** The names that the Llama-shaped families share (architectures.md §6.1). */
    private static final Map<String, String> DECODER_NAMES = ordered(
            "model.embed_tokens", "token_embd",
            "model.norm", "output_norm",
            "lm_head", "output",
            "model.layers.N.input_layernorm", "blk.N.attn_norm",
            "model.layers.N.self_attn.q_proj", "blk.N.attn_q",
            "model.layers.N.self_attn.k_proj", "blk.N.attn_k",
            "model.layers.N.self_attn.v_proj", "blk.N.attn_v",
            "model.layers.N.self_attn.o_proj", "blk.N.attn_output",
            "model.layers.N.post_attention_layernorm", "blk.N.ffn_norm",
            "model.layers.N.mlp.gate_proj", "blk.N.ffn_gate",
            "model.layers.N.mlp.up_proj", "blk.N.ffn_up",
            "model.layers.N.mlp.down_proj", "blk.N.ffn_down");

    private static final List<String> DECODER_GLOBAL = List.of("token_embd.weight", "output_norm.weight");
    private static final List<String> DECODER_BLOCK = List.of("attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight",
            "attn_output.weight", "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight");
    /** Buffers that older checkpoints saved with the weights. */
    private static final List<Pattern> BUFFERS = patterns(".*\\.rotary_emb\\.inv_freq");

    // ---- metadata keys ------------------------------------------------------------------------

    /** llama.cpp's TextModel.set_gguf_parameters: what every decoder writes, when the config has it. */
    private static final List<Key> TEXT_MODEL = List.of(
            required("block_count", "num_hidden_layers", "n_layer"),
            u32("context_length", "max_position_embeddings", "n_ctx"),
            u32("embedding_length", "hidden_size", "n_embd"),
            u32("feed_forward_length", "intermediate_size", "n_inner"),
            u32("attention.head_count", "num_attention_heads", "n_head"),
            u32("attention.head_count_kv", "num_key_value_heads"),
            new Key("rope.freq_base", ropeBase(null)),
            f32("attention.layer_norm_rms_epsilon", "rms_norm_eps"),
            f32("attention.layer_norm_epsilon", "layer_norm_eps", "layer_norm_epsilon", "norm_epsilon"),
            u32("attention.key_length", "head_dim"),
            u32("attention.value_length", "head_dim"));

    static final HfArchitecture LLAMA = new HfArchitecture("llama",
            List.of("LlamaForCausalLM", "MistralForCausalLM"),
            Map.of(), Map.of(), BUFFERS, DECODER_NAMES, DECODER_GLOBAL, DECODER_BLOCK, false,
            EnumSet.of(Transform.PERMUTE_QK, Transform.LLAMA3_ROPE_FREQS),
            concat(TEXT_MODEL,
                    u32("vocab_size", "vocab_size"),
                    new Key("rope.dimension_count", c -> Optional.of(GgufValue.ofU32(headDim(c)))),
                    new Key("rope.scaling.type", c -> linearScaling(c, null).map(f -> GgufValue.of("linear"))),
                    new Key("rope.scaling.factor", c -> linearScaling(c, null).map(f -> GgufValue.ofF32(f.floatValue())))),
            List.of(ropeTypes(null, "default", "linear", "llama3")));

    static final HfArchitecture QWEN2 = new HfArchitecture("qwen2",
            List.of("Qwen2ForCausalLM"),
            Map.of(), Map.of(), BUFFERS, DECODER_NAMES, DECODER_GLOBAL,
            concat(DECODER_BLOCK, "attn_q.bias", "attn_k.bias", "attn_v.bias"), false,
            EnumSet.noneOf(Transform.class), TEXT_MODEL,
            List.of(ropeTypes(null, "default"), noSlidingWindow()));

    static final HfArchitecture QWEN3 = new HfArchitecture("qwen3",
            List.of("Qwen3ForCausalLM"),
            Map.of(), Map.of(), BUFFERS,
            with(DECODER_NAMES,
                    "model.layers.N.self_attn.q_norm", "blk.N.attn_q_norm",
                    "model.layers.N.self_attn.k_norm", "blk.N.attn_k_norm"),
            DECODER_GLOBAL, concat(DECODER_BLOCK, "attn_q_norm.weight", "attn_k_norm.weight"), false,
            EnumSet.noneOf(Transform.class), TEXT_MODEL,
            List.of(ropeTypes(null, "default"), noSlidingWindow(), requires("head_dim")));

    /** transformers' Gemma3TextConfig defaults: Gemma 3 multimodal configs leave most of them out. */
    private static final Map<String, Object> GEMMA3_TEXT_DEFAULTS = Map.ofEntries(
            Map.entry("vocab_size", 262_208), Map.entry("hidden_size", 2304), Map.entry("intermediate_size", 9216),
            Map.entry("num_hidden_layers", 26), Map.entry("num_attention_heads", 8), Map.entry("num_key_value_heads", 4),
            Map.entry("head_dim", 256), Map.entry("max_position_embeddings", 131_072), Map.entry("rms_norm_eps", 1e-6),
            Map.entry("rope_theta", 1_000_000.0), Map.entry("rope_local_base_freq", 10_000.0),
            Map.entry("query_pre_attn_scalar", 256), Map.entry("sliding_window", 4096));

    static final HfArchitecture GEMMA3 = new HfArchitecture("gemma3",
            List.of("Gemma3ForCausalLM", "Gemma3ForConditionalGeneration"),
            GEMMA3_TEXT_DEFAULTS,
            ordered("model.language_model.", "model.", "language_model.", ""), // transformers 5, then 4
            concat(BUFFERS, patterns("(model\\.)?vision_tower\\..*", "(model\\.)?multi_modal_projector\\..*")),
            with(DECODER_NAMES,
                    "model.layers.N.self_attn.q_norm", "blk.N.attn_q_norm",
                    "model.layers.N.self_attn.k_norm", "blk.N.attn_k_norm",
                    "model.layers.N.post_attention_layernorm", "blk.N.post_attention_norm",
                    "model.layers.N.pre_feedforward_layernorm", "blk.N.ffn_norm",
                    "model.layers.N.post_feedforward_layernorm", "blk.N.post_ffw_norm"),
            DECODER_GLOBAL,
            concat(DECODER_BLOCK, "attn_q_norm.weight", "attn_k_norm.weight", "post_attention_norm.weight", "post_ffw_norm.weight"),
            true, EnumSet.of(Transform.NORMS_PLUS_ONE),
            List.of(u32("context_length", "max_position_embeddings"),
                    u32("embedding_length", "hidden_size"),
                    required("block_count", "num_hidden_layers"),
                    u32("feed_forward_length", "intermediate_size"),
                    u32("attention.head_count", "num_attention_heads"),
                    f32("attention.layer_norm_rms_epsilon", "rms_norm_eps"),
                    u32("attention.key_length", "head_dim"),
                    u32("attention.value_length", "head_dim"),
                    new Key("rope.freq_base", ropeBase(RopeParameters.FULL)),
                    u32("attention.sliding_window", "sliding_window"),
                    u32("attention.head_count_kv", "num_key_value_heads"),
                    new Key("rope.scaling.type", c -> linearScaling(c, RopeParameters.FULL).map(f -> GgufValue.of("linear"))),
                    new Key("rope.scaling.factor", c -> linearScaling(c, RopeParameters.FULL).map(f -> GgufValue.ofF32(f.floatValue()))),
                    f32("final_logit_softcapping", "final_logit_softcapping")),
            List.of(HfArchitectures::gemma3Layers, ropeTypes(RopeParameters.FULL, "default", "linear"),
                    HfArchitectures::gemma3LocalRope, HfArchitectures::gemma3AttentionScale,
                    c -> { if (c.has("attn_logit_softcapping")) throw new HfFormatException(c.file() + ": attn_logit_softcapping is set; GGUF's gemma3 has no attention soft-capping"); }));

    static final HfArchitecture PHI3 = new HfArchitecture("phi3",
            List.of("Phi3ForCausalLM"),
            Map.of(), Map.of(), BUFFERS,
            ordered("model.embed_tokens", "token_embd",
                    "model.norm", "output_norm",
                    "lm_head", "output",
                    "model.layers.N.input_layernorm", "blk.N.attn_norm",
                    "model.layers.N.self_attn.qkv_proj", "blk.N.attn_qkv",
                    "model.layers.N.self_attn.o_proj", "blk.N.attn_output",
                    "model.layers.N.post_attention_layernorm", "blk.N.ffn_norm",
                    "model.layers.N.mlp.gate_up_proj", "blk.N.ffn_up",
                    "model.layers.N.mlp.down_proj", "blk.N.ffn_down"),
            DECODER_GLOBAL,
            List.of("attn_norm.weight", "attn_qkv.weight", "attn_output.weight", "ffn_norm.weight", "ffn_up.weight", "ffn_down.weight"),
            false, EnumSet.of(Transform.LONGROPE_FACTORS),
            List.of(u32("context_length", "max_position_embeddings", "n_positions"),
                    new Key("rope.scaling.original_context_length", c -> Optional.of(GgufValue.ofU32(phi3OriginalContext(c)))),
                    u32("embedding_length", "hidden_size"),
                    u32("feed_forward_length", "intermediate_size"),
                    required("block_count", "num_hidden_layers"),
                    u32("attention.head_count", "num_attention_heads"),
                    u32("attention.head_count_kv", "num_key_value_heads"),
                    f32("attention.layer_norm_rms_epsilon", "rms_norm_eps"),
                    new Key("rope.dimension_count", c -> Optional.of(GgufValue.ofU32(phi3RopeDims(c)))),
                    new Key("rope.freq_base", ropeBase(null)),
                    new Key("attention.sliding_window", c -> Optional.of(GgufValue.ofU32(c.optInt("sliding_window").orElse(0)))),
                    new Key("rope.scaling.attn_factor", HfArchitectures::longropeAttnFactor)),
            List.of(ropeTypes(null, "default", "longrope", "su")));

    static final HfArchitecture GPT2 = new HfArchitecture("gpt2",
            List.of("GPT2LMHeadModel"),
            Map.of(), ordered("transformer.", ""),
            patterns("h\\.\\d+\\.attn\\.(masked_)?bias"), // the causal-mask buffers
            ordered("wte", "token_embd",
                    "wpe", "position_embd",
                    "ln_f", "output_norm",
                    "lm_head", "output",
                    "h.N.ln_1", "blk.N.attn_norm",
                    "h.N.attn.c_attn", "blk.N.attn_qkv",
                    "h.N.attn.c_proj", "blk.N.attn_output",
                    "h.N.ln_2", "blk.N.ffn_norm",
                    "h.N.mlp.c_fc", "blk.N.ffn_up",
                    "h.N.mlp.c_proj", "blk.N.ffn_down"),
            List.of("token_embd.weight", "position_embd.weight", "output_norm.weight", "output_norm.bias"),
            List.of("attn_norm.weight", "attn_norm.bias", "attn_qkv.weight", "attn_qkv.bias", "attn_output.weight", "attn_output.bias",
                    "ffn_norm.weight", "ffn_norm.bias", "ffn_up.weight", "ffn_up.bias", "ffn_down.weight", "ffn_down.bias"),
            true, EnumSet.of(Transform.CONV1D, Transform.OUTPUT_COPY_OF_EMBEDDING),
            List.of(required("block_count", "n_layer"),
                    u32("context_length", "n_ctx", "n_positions"),
                    u32("embedding_length", "n_embd"),
                    new Key("feed_forward_length", c -> Optional.of(GgufValue.ofU32(c.optInt("n_inner").orElse(4 * c.integer("n_embd"))))),
                    u32("attention.head_count", "n_head"),
                    f32("attention.layer_norm_epsilon", "layer_norm_epsilon")),
            List.of());

    static final List<HfArchitecture> ROWS = List.of(LLAMA, QWEN2, QWEN3, GEMMA3, PHI3, GPT2);

    /** The row for the first {@code architectures} entry of the config. */
    static HfArchitecture of(HfConfig c) throws HfFormatException {
        List<String> classes = c.architectures();
        if (classes.isEmpty()) {
            throw new HfFormatException("%s: no architectures entry (model_type '%s'); supported: %s".formatted(c.file(), quote(c.modelType()), supported()));
        }
        for (HfArchitecture row : ROWS) if (row.hfClasses().contains(classes.getFirst())) return row;
        throw new HfFormatException("%s: architectures entry '%s' is not supported; supported: %s".formatted(c.file(), quote(classes.getFirst()), supported()));
    }

    static String supported() {
        return ROWS.stream().flatMap(r -> r.hfClasses().stream()).collect(Collectors.joining(", "));
    }

    // ---- key sources --------------------------------------------------------------------------

    private static Key u32(String name, String... hfKeys) {
        return new Key(name, c -> {
            OptionalInt v = c.optInt(hfKeys);
            return v.isPresent() ? Optional.of(GgufValue.ofU32(v.getAsInt())) : Optional.empty();
        });
    }

    private static Key required(String name, String... hfKeys) {
        return new Key(name, c -> Optional.of(GgufValue.ofU32(c.integer(hfKeys))));
    }

    private static Key f32(String name, String... hfKeys) {
        return new Key(name, c -> {
            OptionalDouble v = c.optDouble(hfKeys);
            return v.isPresent() ? Optional.of(GgufValue.ofF32((float) v.getAsDouble())) : Optional.empty();
        });
    }

    private static Source ropeBase(String layerType) {
        return c -> {
            OptionalDouble theta = RopeParameters.of(c, layerType).theta();
            return theta.isPresent() ? Optional.of(GgufValue.ofF32((float) theta.getAsDouble())) : Optional.empty();
        };
    }

    /** {@code head_dim}, else hidden / heads. */
    static int headDim(HfConfig c) throws HfFormatException {
        OptionalInt hd = c.optInt("head_dim");
        return hd.isPresent() ? hd.getAsInt() : c.integer("hidden_size", "n_embd") / c.integer("num_attention_heads", "n_head");
    }

    private static Optional<Double> linearScaling(HfConfig c, String layerType) throws HfFormatException {
        RopeParameters r = RopeParameters.of(c, layerType);
        if (!r.is("linear")) return Optional.empty();
        OptionalDouble f = r.param("factor");
        if (f.isEmpty()) throw new HfFormatException(c.file() + ": linear rope scaling without a factor");
        return Optional.of(f.getAsDouble());
    }

    /** Phi-3's rotary dims: hidden/heads times {@code partial_rotary_factor} (Phi-4-mini: 0.75). */
    static int phi3RopeDims(HfConfig c) throws HfFormatException {
        int hd = c.integer("hidden_size") / c.integer("num_attention_heads");
        OptionalDouble partial = RopeParameters.of(c, null).param("partial_rotary_factor");
        if (partial.isEmpty()) partial = c.optDouble("partial_rotary_factor");
        return (int) (hd * partial.orElse(1.0));
    }

    static int phi3OriginalContext(HfConfig c) throws HfFormatException {
        return (int) RopeParameters.of(c, null).originalContext(c.integer("max_position_embeddings"));
    }

    private static Optional<GgufValue> longropeAttnFactor(HfConfig c) throws HfFormatException {
        RopeParameters r = RopeParameters.of(c, null);
        if (!r.is("longrope") && !r.is("su")) return Optional.empty();
        double orig = phi3OriginalContext(c), scale = c.integer("max_position_embeddings") / orig;
        double f = scale > 1.0 ? Math.sqrt(1 + Math.log(scale) / Math.log(orig)) : 1.0;
        return Optional.of(GgufValue.ofF32((float) f));
    }

    // ---- checks -------------------------------------------------------------------------------

    private static Check ropeTypes(String layerType, String... allowed) {
        return c -> {
            RopeParameters r = RopeParameters.of(c, layerType);
            for (String a : allowed) if (r.is(a)) return;
            throw new HfFormatException("%s: rope type '%s'%s is not supported for this architecture; supported: %s"
                    .formatted(c.file(), quote(r.type()), layerType == null ? "" : " (" + quote(layerType) + ")", String.join(", ", allowed)));
        };
    }

    private static Check requires(String key) {
        return c -> { if (!c.has(key)) throw new HfFormatException(c.file() + ": " + key + " is missing"); };
    }

    /** llama.cpp ignores Qwen's optional sliding window, so a file that uses it would run differently. */
    private static Check noSlidingWindow() {
        return c -> {
            boolean sliding = c.bool("use_sliding_window", false);
            for (JsonNode t : c.node("layer_types")) sliding |= t.asText().equals(RopeParameters.SLIDING);
            if (sliding) throw new HfFormatException(c.file() + ": sliding-window layers (use_sliding_window / layer_types) cannot be represented in GGUF for this architecture");
        };
    }

    /** GGUF's gemma3 hard-codes five sliding layers then one global; the config must say the same. */
    private static void gemma3Layers(HfConfig c) throws HfFormatException {
        JsonNode types = c.node("layer_types");
        int layers = c.integer("num_hidden_layers");
        if (types.isArray()) {
            if (types.size() != layers) throw new HfFormatException("%s: layer_types has %d entries for %d layers".formatted(c.file(), types.size(), layers));
            for (int i = 0; i < layers; i++) {
                String expected = i % 6 < 5 ? RopeParameters.SLIDING : RopeParameters.FULL;
                if (!types.get(i).asText().equals(expected)) {
                    throw new HfFormatException("%s: layer_types[%d] is %s; GGUF's gemma3 needs %s (sliding iff i mod 6 < 5)".formatted(c.file(), i, types.get(i).asText(), expected));
                }
            }
            return;
        }
        OptionalInt pattern = c.optInt("sliding_window_pattern", "_sliding_window_pattern");
        if (pattern.isPresent() && pattern.getAsInt() != 6) {
            throw new HfFormatException("%s: sliding_window_pattern is %d; GGUF's gemma3 needs 6".formatted(c.file(), pattern.getAsInt()));
        }
    }

    private static void gemma3LocalRope(HfConfig c) throws HfFormatException {
        RopeParameters local = RopeParameters.of(c, RopeParameters.SLIDING);
        double theta = local.theta().orElse(10_000.0);
        if (theta != 10_000.0 || !local.is("default")) {
            throw new HfFormatException("%s: sliding layers use rope base %s (%s); GGUF's gemma3 needs 10000 (default)".formatted(c.file(), theta, local.type()));
        }
    }

    private static void gemma3AttentionScale(HfConfig c) throws HfFormatException {
        int scalar = c.integer("query_pre_attn_scalar"), layers = c.integer("num_hidden_layers");
        int expected = layers == 62 ? c.integer("hidden_size") / c.integer("num_attention_heads") : headDim(c);
        if (scalar != expected) {
            throw new HfFormatException("%s: query_pre_attn_scalar is %d; GGUF's gemma3 scales attention by 1/sqrt(%d)".formatted(c.file(), scalar, expected));
        }
    }

    // ---- table helpers ------------------------------------------------------------------------

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(ordered(pairs));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static List<Pattern> patterns(String... regexes) {
        return java.util.Arrays.stream(regexes).map(Pattern::compile).toList();
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T> base, T... more) {
        List<T> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return List.copyOf(out);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
