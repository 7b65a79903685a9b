package dev.bantam.core.model;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.kernels.SmallMatMul;
import dev.bantam.core.gguf.GgufFormatException;
import dev.bantam.core.tensor.TensorView;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensors of a model, looked up by their GGUF names and checked against the config's shapes.
 * Matrices stay in the mapped file; norm weights and biases (small, 1-D) are copied to float32.
 */
public record Weights(
        TensorView tokenEmbedding,
        TensorView positionEmbedding,
        Norm outputNorm,
        TensorView output,
        List<Layer> layers,
        float[] ropeFreqs) {

    /** llama3 rope scaling: one divisor per rotated pair, shared by all layers (spec §2). */
    public static final String ROPE_FREQS = "rope_freqs.weight";

    /** The output layer ({@code output.weight}, or the tied embedding); null for a heads-only model. */
    @Override
    public TensorView output() { return output; }

    /** A normalization's scale and (LayerNorm only) shift. */
    public record Norm(float[] weight, float[] bias) {}

    /**
     * A linear layer: weight matrix, optional bias, and for tiny models a float32 column-major
     * copy of the weights ({@link SmallMatMul}) for products with a few tokens.
     */
    public record Linear(TensorView weight, float[] bias, SmallMatMul.ColumnMajor columnMajor) {
        public Linear(TensorView weight, float[] bias) {
            this(weight, bias, null);
        }
    }

    /** Models at most this wide get column-major weight copies: their per-token products are too small for dot products to pay off. */
    public static final int TINY_DIM = 128;

    /**
     * One transformer block. With a fused qkv (gpt2, phi3) {@code q/k/v} are null; gate is null
     * without a gate or when it is fused into {@code up} (phi3: gate rows first). The q/k norms
     * ({@code head_dim} long) and the post-norms are null for architectures without them.
     */
    public record Layer(Norm attnNorm, Linear q, Linear k, Linear v, Linear qkv, Linear attnOut,
                        Norm ffnNorm, Linear gate, Linear up, Linear down,
                        Norm qNorm, Norm kNorm, Norm postAttnNorm, Norm postFfnNorm) {}

    public static Weights load(GgufFile file, ModelConfig c) {
        var loader = new Loader(file, c);
        return loader.load();
    }

    private record Loader(GgufFile file, ModelConfig c) {
        Weights load() {
            TensorView embd = matrix("token_embd.weight", c.dim(), c.vocabSize());
            TensorView pos = c.arch().positions() == Architecture.Positions.LEARNED
                    ? matrix("position_embd.weight", c.dim(), -1) : null;
            // no output layer: tied to the embedding, except in a model with policy/value heads,
            // whose backbone may end at the final norm (docs/game-heads.md)
            boolean heads = file.metadata().has("bantam.head.policy.size");
            TensorView out = file.hasTensor("output.weight") ? matrix("output.weight", c.dim(), c.vocabSize()) : heads ? null : embd;
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < c.layers(); i++) layers.add(layer("blk." + i + "."));
            // longrope (Phi-3 128k, Phi-3.5, Phi-4-mini) picks long or short factors by context size and scales
            // cos/sin by attn_factor (spec §5): not done yet, and without it every logit is silently wrong
            for (String f : new String[] {"rope_factors_long.weight", "rope_factors_short.weight"}) {
                if (file.hasTensor(f)) throw new UnsupportedModelException("%s: tensor %s (longrope scaling) is not supported yet".formatted(fileName(), f));
            }
            int half = c.ropeDims() / 2;
            float[] ropeFreqs = c.arch().usesRope() ? vector(ROPE_FREQS, half) : null;
            return new Weights(embd, pos, norm("output_norm"), out, List.copyOf(layers), ropeFreqs);
        }

        Layer layer(String p) {
            int d = c.dim(), kv = c.kvDim(), q = c.qDim(), ff = c.ffnDim();
            Architecture a = c.arch();
            boolean fused = a.fusedQkv(), gateUp = a.fusedGateUp();
            return new Layer(
                    norm(p + "attn_norm"),
                    fused ? null : linear(p + "attn_q", d, q),
                    fused ? null : linear(p + "attn_k", d, kv),
                    fused ? null : linear(p + "attn_v", d, kv),
                    fused ? linear(p + "attn_qkv", d, q + 2 * kv) : null,
                    linear(p + "attn_output", q, d),
                    norm(p + "ffn_norm"),
                    a.gated() && !gateUp ? linear(p + "ffn_gate", d, ff) : null,
                    linear(p + "ffn_up", d, gateUp ? 2 * ff : ff),
                    linear(p + "ffn_down", ff, d),
                    a.qkNorm() ? norm(p + "attn_q_norm", c.headDim()) : null,
                    a.qkNorm() ? norm(p + "attn_k_norm", c.headDim()) : null,
                    a.postNorms() ? norm(p + "post_attention_norm") : null,
                    a.postNorms() ? norm(p + "post_ffw_norm") : null);
        }

        Linear linear(String name, int in, int out) {
            TensorView w = matrix(name + ".weight", in, out);
            return new Linear(w, vector(name + ".bias", out), c.dim() <= TINY_DIM ? SmallMatMul.transpose(w) : null);
        }

        Norm norm(String name) {
            return norm(name, c.dim());
        }

        Norm norm(String name, int n) {
            float[] w = vector(name + ".weight", n);
            if (w == null) throw missing(name + ".weight", "[" + n + "]");
            float[] b = c.arch().norm() == Architecture.Norm.LAYER ? vector(name + ".bias", c.dim()) : null;
            if (c.arch().norm() == Architecture.Norm.LAYER && b == null) throw missing(name + ".bias", "[" + n + "]");
            return new Norm(w, b);
        }

        /** A 2-D tensor of shape {in, out}; out = -1 accepts any row count. */
        TensorView matrix(String name, int in, int out) {
            if (!file.hasTensor(name)) throw missing(name, "[%d, %s]".formatted(in, out >= 0 ? out : "n"));
            TensorView t = file.tensor(name);
            if (t.shape().length != 2 || t.shape()[0] != in || (out >= 0 && t.shape()[1] != out)) {
                throw new GgufFormatException("%s: tensor %s has shape %s, expected [%d, %s]"
                        .formatted(fileName(), name, t.shapeString(), in, out >= 0 ? out : "n"));
            }
            if (!Kernels.supports(t.type())) {
                throw new UnsupportedModelException("%s: tensor %s has weight type %s, which is not supported yet"
                        .formatted(fileName(), name, t.type()));
            }
            return t;
        }

        /** A 1-D tensor of {@code n} values as float32, or null when absent. */
        float[] vector(String name, int n) {
            if (!file.hasTensor(name)) return null;
            TensorView t = file.tensor(name);
            if (t.elements() != n) {
                throw new GgufFormatException("%s: tensor %s has shape %s, expected [%d]".formatted(fileName(), name, t.shapeString(), n));
            }
            if (!Kernels.supports(t.type())) {
                throw new UnsupportedModelException("%s: tensor %s has weight type %s, which is not supported yet".formatted(fileName(), name, t.type()));
            }
            return Kernels.toFloatArray(t);
        }

        GgufFormatException missing(String name, String shape) {
            return new GgufFormatException("%s: tensor %s is missing (architecture %s requires it, shape %s)".formatted(fileName(), name, c.arch().name(), shape));
        }

        String fileName() {
            return file.path().getFileName().toString();
        }
    }
}
