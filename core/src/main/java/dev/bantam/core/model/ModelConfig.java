package dev.bantam.core.model;

import dev.bantam.core.gguf.GgufFormatException;
import dev.bantam.core.gguf.GgufMetadata;
import dev.bantam.core.gguf.GgufValueType;

import java.util.ArrayList;
import java.util.List;

/**
 * The dimensions of a model, read from its GGUF metadata ({@code {arch}.*} keys), and the plan of
 * its layers (specs/architectures.md §1–§5).
 *
 * @param slidingWindow  the file's {@code attention.sliding_window} (0 = none); which layers use it is in {@link #plan}
 * @param attentionScale the factor of q·k before the softmax
 * @param logitSoftcap   {@code final_logit_softcapping} c: logits become c·tanh(logits / c); 0 = none
 */
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
        int ropeDims,
        int slidingWindow,
        float attentionScale,
        float logitSoftcap,
        List<LayerPlan> plan) {

    public int qDim() { return heads * headDim; }
    public int kvDim() { return kvHeads * headDim; }

    public LayerPlan layer(int l) { return plan.get(l); }

    /** True when some layer attends through a sliding window. */
    public boolean windowed() {
        return plan.stream().anyMatch(p -> p.window() > 0);
    }

    public static ModelConfig from(String file, GgufMetadata m, int vocabSizeFromTokens) {
        String archName = m.getString("general.architecture");
        Architecture arch = Architecture.byName(archName).orElseThrow(() -> new UnsupportedModelException(
                "%s: unsupported architecture '%s' (supported: %s)".formatted(file, archName, Architecture.supportedNames())));
        String p = archName + ".";
        int dim = m.getInt(p + "embedding_length", 1);
        int heads = m.getInt(p + "attention.head_count", 1);
        int kvHeads = m.has(p + "attention.head_count_kv") ? m.getInt(p + "attention.head_count_kv", 1) : heads;
        if (heads % kvHeads != 0) throw new GgufFormatException("%s: head_count %d is not a multiple of head_count_kv %d".formatted(file, heads, kvHeads));
        // Qwen3 and Gemma 3 carry head_dim explicitly, and n_head·hd need not be n_embd
        int headDim;
        if (m.has(p + "attention.key_length")) {
            headDim = m.getInt(p + "attention.key_length", 1);
            int valueLength = m.has(p + "attention.value_length") ? m.getInt(p + "attention.value_length", 1) : headDim;
            if (valueLength != headDim) {
                throw new UnsupportedModelException("%s: attention.value_length %d differs from key_length %d, which is not supported".formatted(file, valueLength, headDim));
            }
        } else {
            if (dim % heads != 0) throw new GgufFormatException("%s: embedding_length %d is not a multiple of head_count %d".formatted(file, dim, heads));
            headDim = dim / heads;
        }
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
        int layers = m.getInt(p + "block_count", 1);
        // every layer has tensors of its own: a count beyond any real model (Llama 3.1 405B has 126) is a broken file
        if (layers > MAX_LAYERS) throw new GgufFormatException("%s: metadata %sblock_count = %d (expected at most %d)".formatted(file, p, layers, MAX_LAYERS));
        double base = theta;
        double scale = ropeScale(file, m, p);
        int window = arch.slidingWindow() && m.has(p + "attention.sliding_window") ? m.getInt(p + "attention.sliding_window", 0) : 0;
        float attnScale = (float) (1 / Math.sqrt(headDim));
        // llama.cpp: Gemma 3 27B (62 layers) scales by n_embd/n_head, not head_dim (spec §4)
        if (archName.equals("gemma3") && layers == 62) attnScale = (float) (1 / Math.sqrt((double) dim / heads));
        float softcap = m.optDouble(p + "final_logit_softcapping").orElse(0.0).floatValue();
        return new ModelConfig(arch, dim, layers, heads, kvHeads, headDim,
                m.getInt(p + "feed_forward_length", 1), vocab,
                m.getInt(p + "context_length", 1), eps, (float) base, ropeDims,
                window, attnScale, softcap, plan(file, m, p, arch, layers, window, base, scale));
    }

    /** freq_scale: 1 / rope.scaling.factor under linear scaling, else 1 (llama3 scaling lives in rope_freqs.weight). */
    private static double ropeScale(String file, GgufMetadata m, String p) {
        String type = m.optString(p + "rope.scaling.type").orElse("none");
        if (type.equals("none")) return 1;
        if (!type.equals("linear")) {
            // yarn and longrope change more than a frequency divisor; computing without them is silently wrong
            if (type.equals("yarn")) throw new UnsupportedModelException("%s: rope.scaling.type '%s' is not supported (supported: none, linear)".formatted(file, type));
            return 1;
        }
        double factor = m.optDouble(p + "rope.scaling.factor").orElse(1.0);
        if (!(factor > 0)) throw new GgufFormatException("%s: rope.scaling.factor %s must be positive".formatted(file, factor));
        return 1 / factor;
    }

    /** Most layers a file may declare: far above any real model, far below a heap-sized plan. */
    static final int MAX_LAYERS = 4096;

    private static List<LayerPlan> plan(String file, GgufMetadata m, String p, Architecture arch, int layers, int window, double base, double scale) {
        List<LayerPlan> plan = new ArrayList<>(layers);
        if (arch.globalEvery() == 0) {
            for (int l = 0; l < layers; l++) plan.add(new LayerPlan(window, base, scale));
            return List.copyOf(plan);
        }
        // newer llama.cpp files may carry the pattern and the local base; the defaults are the values it hard-codes
        int every = arch.globalEvery();
        if (m.get(p + "attention.sliding_window_pattern").filter(v -> v.type() != GgufValueType.ARRAY).isPresent()) {
            every = m.getInt(p + "attention.sliding_window_pattern", 1);
        } else if (m.has(p + "attention.sliding_window_pattern")) {
            throw new UnsupportedModelException("%s: a per-layer attention.sliding_window_pattern array is not supported".formatted(file));
        }
        double localBase = m.optDouble(p + "rope.freq_base_swa").orElse(arch.localRopeBase());
        for (int l = 0; l < layers; l++) {
            boolean global = window == 0 || l % every == every - 1;
            plan.add(global ? new LayerPlan(0, base, scale) : new LayerPlan(window, localBase, 1));
        }
        return List.copyOf(plan);
    }
}
