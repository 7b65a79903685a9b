package dev.bantam.core.model;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.gguf.GgufFormatException;
import dev.bantam.core.tensor.TensorView;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensors of a model, looked up by their GGUF names and checked against the config's shapes.
 * Matrices stay in the mapped file; norm weights and biases (small, 1-D) are copied to float32.
 * Backend-neutral: what a backend derives from them (the CPU engine's column-major copies, a
 * GPU's device layout) it builds itself, so a backend never pays for another's copies.
 */
public record Weights(
        TensorView tokenEmbedding,
        TensorView positionEmbedding,
        Norm outputNorm,
        TensorView output,
        List<Layer> layers,
        float[] ropeFreqs,
        LongRope longRope) {

    /** llama3 rope scaling: one divisor per rotated pair, shared by all layers (spec §2). */
    public static final String ROPE_FREQS = "rope_freqs.weight";

    /**
     * The per-frequency RoPE divisors of a context of {@code contextPerSequence} positions per
     * sequence: {@code rope_freqs.weight} when the file has it (it wins over longrope factors, as in
     * llama.cpp's build_rope_factors), else the longrope set for that context, else null (all 1).
     */
    public float[] ropeDivisors(int contextPerSequence) {
        if (ropeFreqs != null) return ropeFreqs;
        return longRope == null ? null : longRope.factorsFor(contextPerSequence);
    }

    /** The factor on RoPE's cos and sin: longrope's attn_factor, else 1. */
    public float ropeMscale() {
        return longRope == null ? 1f : longRope.attnFactor();
    }

    /** The output layer ({@code output.weight}, or the tied embedding); null when loaded with {@link AbsentOutput#NONE} from a file without one. */
    @Override
    public TensorView output() { return output; }

    /** A normalization's scale and (LayerNorm only) shift. */
    public record Norm(float[] weight, float[] bias) {}

    /** A linear layer: weight matrix and optional bias. */
    public record Linear(TensorView weight, float[] bias) {}

    /**
     * One transformer block. With a fused qkv (gpt2, phi3) {@code q/k/v} are null; gate is null
     * without a gate or when it is fused into {@code up} (phi3: gate rows first). The q/k norms
     * ({@code head_dim} long) and the post-norms are null for architectures without them.
     */
    public record Layer(Norm attnNorm, Linear q, Linear k, Linear v, Linear qkv, Linear attnOut,
                        Norm ffnNorm, Linear gate, Linear up, Linear down,
                        Norm qNorm, Norm kNorm, Norm postAttnNorm, Norm postFfnNorm) {}

    /**
     * What a file without {@code output.weight} means. GGUF has no key for it: llama.cpp ties the
     * output to the token embedding, which is the default here; a caller whose file format says the
     * network ends at the final norm (it reads the hidden state itself) asks for {@code NONE}.
     */
    public enum AbsentOutput {
        /** The output layer is the token embedding (the same view, so it is mapped and uploaded once). */
        TIED_EMBEDDING,
        /** There is no output layer: {@link #output()} is null, and the model gives hidden states only. */
        NONE
    }

    /** The weights of {@code file}, a missing {@code output.weight} tied to the embedding. */
    public static Weights load(GgufFile file, ModelConfig c) {
        return load(file, c, AbsentOutput.TIED_EMBEDDING);
    }

    public static Weights load(GgufFile file, ModelConfig c, AbsentOutput absentOutput) {
        return new Loader(file, c, absentOutput).load();
    }

    private record Loader(GgufFile file, ModelConfig c, AbsentOutput absentOutput) {
        Weights load() {
            TensorView embd = matrix("token_embd.weight", c.dim(), c.vocabSize());
            TensorView pos = c.arch().positions() == Architecture.Positions.LEARNED
                    ? matrix("position_embd.weight", c.dim(), -1) : null;
            TensorView out = file.hasTensor("output.weight") ? matrix("output.weight", c.dim(), c.vocabSize())
                    : absentOutput == AbsentOutput.TIED_EMBEDDING ? embd : null;
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < c.layers(); i++) layers.add(layer("blk." + i + "."));
            int half = c.ropeDims() / 2;
            float[] ropeFreqs = c.arch().usesRope() ? vector(ROPE_FREQS, half) : null;
            return new Weights(embd, pos, norm("output_norm"), out, List.copyOf(layers), ropeFreqs, longRope(half));
        }

        /** Both longrope factor tensors with their metadata, or neither (spec §5). */
        LongRope longRope(int half) {
            boolean hasShort = file.hasTensor(LongRope.SHORT), hasLong = file.hasTensor(LongRope.LONG);
            if (!hasShort && !hasLong) return null;
            if (hasShort != hasLong) throw missing(hasShort ? LongRope.LONG : LongRope.SHORT, "[" + half + "] (longrope needs both factor tensors)");
            if (!c.arch().usesRope()) throw new GgufFormatException("%s: longrope factor tensors in a model without RoPE".formatted(fileName()));
            String p = c.arch().name() + ".rope.scaling.";
            var m = file.metadata();
            if (!m.has(p + "original_context_length")) {
                throw new GgufFormatException("%s: metadata %soriginal_context_length is missing (longrope factors need it)".formatted(fileName(), p));
            }
            int original = m.getInt(p + "original_context_length", 1);
            double attn = m.optDouble(p + "attn_factor").orElse(1.0);
            if (!(attn > 0 && attn < 1e3)) throw new GgufFormatException("%s: metadata %sattn_factor = %s (expected a positive finite number)".formatted(fileName(), p, attn));
            float[] shortFactors = vector(LongRope.SHORT, half), longFactors = vector(LongRope.LONG, half);
            for (float[] f : new float[][] {shortFactors, longFactors}) {
                for (float v : f) {
                    // divisors of every frequency: zero, negative or NaN would turn into silently wrong angles
                    if (!(v > 0 && v < Float.POSITIVE_INFINITY)) throw new GgufFormatException("%s: tensor %s holds %s (expected positive finite divisors)".formatted(fileName(), f == shortFactors ? LongRope.SHORT : LongRope.LONG, v));
                }
            }
            return new LongRope(shortFactors, longFactors, original, (float) attn);
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
            return new Linear(matrix(name + ".weight", in, out), vector(name + ".bias", out));
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
