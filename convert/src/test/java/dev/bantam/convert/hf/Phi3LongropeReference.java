package dev.bantam.convert.hf;

import dev.bantam.convert.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An independent float64 Phi-3 forward pass, written from specs/architectures.md §1 and §5 and
 * transformers' Phi3 longrope rotary (inv_freq_j = 1 / (f_j · base^(2j/d)), cos and sin times the
 * attention factor), reading the Hugging Face checkpoint itself (q, k, v rows of qkv_proj; gate
 * rows first in gate_up_proj), not the GGUF. It is kept apart from the engine on purpose: test
 * code only, one sequence, no cache, no threads, nothing shared with core's Transformer.
 */
final class Phi3LongropeReference {
    private final int dim, layers, heads, kvHeads, hd, ff, vocab;
    private final double eps;
    private final double[][] embed, out;
    private final double[] finalNorm;
    private final double[][] attnNorm, ffnNorm;
    private final double[][][] qkv, o, gateUp, down;
    private final double[] invFreq;
    private final double attnFactor;

    /** @param factors the divisors f_j this run turns with (long or short), {@code attnFactor} on cos and sin */
    Phi3LongropeReference(Path safetensors, int dim, int layers, int heads, int kvHeads, int ff, int vocab, double eps,
                          double theta, double[] factors, double attnFactor) throws IOException {
        this.dim = dim; this.layers = layers; this.heads = heads; this.kvHeads = kvHeads; this.hd = dim / heads;
        this.ff = ff; this.vocab = vocab; this.eps = eps; this.attnFactor = attnFactor;
        try (SafetensorsFile f = SafetensorsFile.open(safetensors)) {
            embed = matrix(f, "model.embed_tokens.weight");
            out = matrix(f, "lm_head.weight");
            finalNorm = vector(f, "model.norm.weight");
            attnNorm = new double[layers][]; ffnNorm = new double[layers][];
            qkv = new double[layers][][]; o = new double[layers][][]; gateUp = new double[layers][][]; down = new double[layers][][];
            for (int l = 0; l < layers; l++) {
                String p = "model.layers." + l + ".";
                attnNorm[l] = vector(f, p + "input_layernorm.weight");
                ffnNorm[l] = vector(f, p + "post_attention_layernorm.weight");
                qkv[l] = matrix(f, p + "self_attn.qkv_proj.weight");
                o[l] = matrix(f, p + "self_attn.o_proj.weight");
                gateUp[l] = matrix(f, p + "mlp.gate_up_proj.weight");
                down[l] = matrix(f, p + "mlp.down_proj.weight");
            }
        }
        invFreq = new double[hd / 2];
        for (int j = 0; j < hd / 2; j++) invFreq[j] = 1 / (factors[j] * Math.pow(theta, 2.0 * j / hd));
    }

    /** Logits of every position, [tokens][vocab]. */
    double[][] logits(int[] tokens) {
        int n = tokens.length;
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) x[t] = embed[tokens[t]].clone();
        for (int l = 0; l < layers; l++) {
            double[][] q = new double[n][], k = new double[n][], v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] u = mul(qkv[l], rms(x[t], attnNorm[l]));
                q[t] = java.util.Arrays.copyOfRange(u, 0, heads * hd);
                k[t] = java.util.Arrays.copyOfRange(u, heads * hd, (heads + kvHeads) * hd);
                v[t] = java.util.Arrays.copyOfRange(u, (heads + kvHeads) * hd, (heads + 2 * kvHeads) * hd);
                rope(q[t], heads, t);
                rope(k[t], kvHeads, t);
            }
            for (int i = 0; i < n; i++) {
                double[] ctx = new double[heads * hd];
                for (int h = 0; h < heads; h++) {
                    int g = h / (heads / kvHeads);
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) dot += q[i][h * hd + d] * k[j][g * hd + d];
                        s[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) sum += s[j] = Math.exp(s[j] - max);
                    for (int j = 0; j <= i; j++) for (int d = 0; d < hd; d++) ctx[h * hd + d] += s[j] / sum * v[j][g * hd + d];
                }
                add(x[i], mul(o[l], ctx));
            }
            for (int t = 0; t < n; t++) {
                double[] gu = mul(gateUp[l], rms(x[t], ffnNorm[l]));
                double[] act = new double[ff];
                for (int i = 0; i < ff; i++) act[i] = gu[i] / (1 + Math.exp(-gu[i])) * gu[ff + i];
                add(x[t], mul(down[l], act));
            }
        }
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) logits[t] = mul(out, rms(x[t], finalNorm));
        return logits;
    }

    /** NEOX halves: (x_j, x_{j+d/2}) turned by p · inv_freq_j, cos and sin scaled by the attention factor. */
    private void rope(double[] x, int n, int p) {
        for (int h = 0; h < n; h++) {
            for (int j = 0; j < hd / 2; j++) {
                double c = Math.cos(p * invFreq[j]) * attnFactor, s = Math.sin(p * invFreq[j]) * attnFactor;
                int a = h * hd + j, b = a + hd / 2;
                double xa = x[a], xb = x[b];
                x[a] = xa * c - xb * s;
                x[b] = xb * c + xa * s;
            }
        }
    }

    private double[] rms(double[] x, double[] w) {
        double ms = 0;
        for (double v : x) ms += v * v;
        double r = 1 / Math.sqrt(ms / x.length + eps);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * r * w[i];
        return y;
    }

    private static double[] mul(double[][] m, double[] x) {
        double[] y = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            double s = 0;
            for (int c = 0; c < x.length; c++) s += m[r][c] * x[c];
            y[r] = s;
        }
        return y;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) x[i] += y[i];
    }

    private static double[][] matrix(SafetensorsFile f, String name) throws IOException {
        SafetensorsFile.Tensor t = f.get(name);
        float[] v = t.toFloats();
        int rows = (int) t.shape()[0], cols = (int) t.shape()[1];
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) m[r][c] = v[r * cols + c];
        return m;
    }

    private static double[] vector(SafetensorsFile f, String name) throws IOException {
        float[] v = f.get(name).toFloats();
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
