package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.OptionalDouble;

/**
 * The rotary-embedding settings of one kind of layer, from either style of config.json:
 * transformers 5 keeps them in {@code rope_parameters} (for Gemma 3 one entry per layer type,
 * {@code full_attention} and {@code sliding_attention}); transformers 4 has a top-level
 * {@code rope_theta} and {@code rope_scaling} (Gemma 3's sliding layers: {@code rope_local_base_freq}).
 * Each value is looked up in the transformers-5 place first, then in the transformers-4 one.
 */
record RopeParameters(OptionalDouble theta, String type, JsonNode v5, JsonNode v4, HfConfig config) {
    static final String FULL = "full_attention";
    static final String SLIDING = "sliding_attention";

    /** @param layerType {@link #FULL}, {@link #SLIDING}, or null for a model with one kind of layer */
    static RopeParameters of(HfConfig c, String layerType) throws HfFormatException {
        JsonNode p = c.node("rope_parameters");
        if (p.has(FULL) || p.has(SLIDING)) p = p.path(layerType == null ? FULL : layerType);
        boolean sliding = SLIDING.equals(layerType);
        // transformers 4 scales only the global layers of Gemma 3; its sliding layers have their own base
        JsonNode v4 = sliding ? MissingNode.getInstance() : c.node("rope_scaling");
        OptionalDouble theta = number(p, "rope_theta");
        if (theta.isEmpty()) theta = sliding ? c.optDouble("rope_local_base_freq") : c.optDouble("rope_theta");
        String type = text(p, "rope_type", "type");
        if (type == null) type = text(v4, "rope_type", "type");
        return new RopeParameters(theta, type == null ? "default" : type, p, v4, c);
    }

    private static OptionalDouble number(JsonNode n, String key) {
        JsonNode v = n.path(key);
        return v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
    }

    private static String text(JsonNode n, String... keys) {
        for (String k : keys) if (n.path(k).isTextual()) return n.path(k).asText();
        return null;
    }

    /** A scaling parameter ({@code factor}, {@code low_freq_factor}, ...) from rope_parameters, then rope_scaling. */
    OptionalDouble param(String key) {
        OptionalDouble v = number(v5, key);
        return v.isPresent() ? v : number(v4, key);
    }

    /** A list parameter ({@code long_factor}, {@code short_factor}). */
    JsonNode list(String key) {
        return v5.path(key).isArray() ? v5.path(key) : v4.path(key);
    }

    /**
     * The context the scaling was trained from: inside rope_parameters / rope_scaling, then the
     * top level of config.json, then {@code orElse}. (llama.cpp's converter reads only the top
     * level, which is wrong for any Llama 3 whose value is not 8192: spec architectures.md §6.2.)
     */
    double originalContext(double orElse) throws HfFormatException {
        OptionalDouble v = param("original_max_position_embeddings");
        if (v.isPresent()) return v.getAsDouble();
        return config.optDouble("original_max_position_embeddings").orElse(orElse);
    }

    boolean is(String t) {
        return type.equalsIgnoreCase(t);
    }
}
