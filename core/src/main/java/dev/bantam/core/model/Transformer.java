package dev.bantam.core.model;

import dev.bantam.core.kernels.Attention;
import dev.bantam.core.kernels.FloatOps;
import dev.bantam.core.kernels.MatMul;
import dev.bantam.core.kernels.Ops;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.TensorView;

/**
 * The forward pass of every supported decoder-only architecture, top to bottom. It processes a
 * run of {@code T} new tokens at once (the whole prompt in prefill, one token in decode),
 * appending their keys and values to the cache. The architecture's switches choose the norm,
 * the activation, and how positions enter; weight types are hidden behind {@link MatMul}.
 */
public final class Transformer {
    private final ModelConfig c;
    private final Weights w;
    private final ThreadPool pool;

    public Transformer(ModelConfig config, Weights weights, ThreadPool pool) {
        this.c = config;
        this.w = weights;
        this.pool = pool;
    }

    public ModelConfig config() { return c; }

    /**
     * Runs {@code tokens} through the model after the cache's current positions.
     *
     * @param allLogits true: logits for every new position {@code [T][vocab]}; false: the last one only
     */
    public float[] forward(KvCache cache, int[] tokens, boolean allLogits) {
        final int T = tokens.length, dim = c.dim(), start = cache.length();
        if (start + T > cache.capacity()) {
            throw new IllegalArgumentException("context full: %d cached + %d new tokens exceed the context size %d"
                    .formatted(start, T, cache.capacity()));
        }
        float[] x = new float[T * dim];
        embed(tokens, start, x);

        float[] xb = new float[T * dim];
        float[] q = new float[T * c.qDim()], k = new float[T * c.kvDim()], v = new float[T * c.kvDim()];
        float[] attn = new float[T * c.qDim()];
        float[] proj = new float[T * dim];
        float[] up = new float[T * c.ffnDim()];
        float[] gate = c.arch().activation() == Architecture.Activation.SWIGLU ? new float[T * c.ffnDim()] : null;
        float[][] rope = c.arch().usesRope() ? ropeTables(start, T) : null;

        for (int l = 0; l < c.layers(); l++) {
            Weights.Layer layer = w.layers().get(l);

            // attention: h = x + Wo · attn(q, k, v) with q, k, v from the normalized input
            norm(x, layer.attnNorm(), xb, T);
            if (layer.qkv() != null) {
                splitQkv(linear(layer.qkv(), xb, T, new float[T * (c.qDim() + 2 * c.kvDim())]), q, k, v, T);
            } else {
                linear(layer.q(), xb, T, q);
                linear(layer.k(), xb, T, k);
                linear(layer.v(), xb, T, v);
            }
            if (rope != null) applyRope(q, k, T, rope);
            System.arraycopy(k, 0, cache.keys[l], start * c.kvDim(), T * c.kvDim());
            System.arraycopy(v, 0, cache.values[l], start * c.kvDim(), T * c.kvDim());
            Attention.causal(pool, q, cache.keys[l], cache.values[l], start, T, c.heads(), c.kvHeads(), c.headDim(), attn);
            linear(layer.attnOut(), attn, T, proj);
            FloatOps.add(proj, 0, x, 0, T * dim);

            // feed-forward: x' = h + Wdown · act(h) with the activation on the normalized h
            norm(x, layer.ffnNorm(), xb, T);
            linear(layer.up(), xb, T, up);
            if (gate != null) {
                linear(layer.gate(), xb, T, gate);
                Ops.swiglu(gate, up, gate.length);
                linear(layer.down(), gate, T, proj);
            } else {
                Ops.gelu(up, up.length);
                linear(layer.down(), up, T, proj);
            }
            FloatOps.add(proj, 0, x, 0, T * dim);
        }
        cache.setLength(start + T);

        int from = allLogits ? 0 : T - 1, n = T - from;
        float[] last = new float[n * dim];
        System.arraycopy(x, from * dim, last, 0, n * dim);
        norm(last, w.outputNorm(), last, n);
        float[] logits = new float[n * c.vocabSize()];
        MatMul.matmul(pool, w.output(), last, n, logits);
        return logits;
    }

    private void embed(int[] tokens, int start, float[] x) {
        int dim = c.dim();
        float[] pos = new float[dim];
        for (int t = 0; t < tokens.length; t++) {
            int id = tokens[t];
            if (id < 0 || id >= c.vocabSize()) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            rowInto(w.tokenEmbedding(), id, x, t * dim);
            if (w.positionEmbedding() != null) {
                int p = start + t;
                if (p >= w.positionEmbedding().rows()) throw new IllegalArgumentException("position " + p + " exceeds the model's " + w.positionEmbedding().rows() + " learned positions");
                rowInto(w.positionEmbedding(), p, pos, 0);
                FloatOps.add(pos, 0, x, t * dim, dim);
            }
        }
    }

    private static void rowInto(TensorView t, int row, float[] out, int off) {
        t.type().kernels().dequantize(t.data(), row * t.rowBytes(), out, off, t.cols());
    }

    private void norm(float[] x, Weights.Norm n, float[] out, int T) {
        int dim = c.dim();
        for (int t = 0; t < T; t++) {
            if (c.arch().norm() == Architecture.Norm.RMS) Ops.rmsNorm(x, t * dim, n.weight(), c.normEps(), out, t * dim, dim);
            else Ops.layerNorm(x, t * dim, n.weight(), n.bias(), c.normEps(), out, t * dim, dim);
        }
    }

    private float[] linear(Weights.Linear lin, float[] in, int T, float[] out) {
        MatMul.matmul(pool, lin.weight(), in, T, out);
        Ops.addBias(out, lin.bias(), T);
        return out;
    }

    private void splitQkv(float[] qkv, float[] q, float[] k, float[] v, int T) {
        int qd = c.qDim(), kvd = c.kvDim(), stride = qd + 2 * kvd;
        for (int t = 0; t < T; t++) {
            System.arraycopy(qkv, t * stride, q, t * qd, qd);
            System.arraycopy(qkv, t * stride + qd, k, t * kvd, kvd);
            System.arraycopy(qkv, t * stride + qd + kvd, v, t * kvd, kvd);
        }
    }

    /** cos and sin of every rotated pair at positions start..start+T-1: {cos[T][half], sin[T][half]} flattened. */
    private float[][] ropeTables(int start, int T) {
        int half = c.ropeDims() / 2;
        float[][] tables = new float[2 * T][half];
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < half; i++) {
                double angle = (start + t) * Math.pow(c.ropeTheta(), -2.0 * i / c.ropeDims());
                tables[2 * t][i] = (float) Math.cos(angle);
                tables[2 * t + 1][i] = (float) Math.sin(angle);
            }
        }
        return tables;
    }

    private void applyRope(float[] q, float[] k, int T, float[][] tables) {
        boolean neox = c.arch().positions() == Architecture.Positions.ROPE_NEOX;
        int hd = c.headDim();
        for (int t = 0; t < T; t++) {
            float[] cos = tables[2 * t], sin = tables[2 * t + 1];
            for (int h = 0; h < c.heads(); h++) Ops.rope(q, (t * c.heads() + h) * hd, c.ropeDims(), cos, sin, neox);
            for (int h = 0; h < c.kvHeads(); h++) Ops.rope(k, (t * c.kvHeads() + h) * hd, c.ropeDims(), cos, sin, neox);
        }
    }
}
