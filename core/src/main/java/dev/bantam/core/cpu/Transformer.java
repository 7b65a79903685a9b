package dev.bantam.core.cpu;

import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.model.Architecture;
import dev.bantam.core.model.LayerPlan;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.UnsupportedModelException;
import dev.bantam.core.model.Weights;
import dev.bantam.core.kernels.Attention;
import dev.bantam.core.kernels.FloatOps;
import dev.bantam.core.kernels.MatMul;
import dev.bantam.core.kernels.Ops;
import dev.bantam.core.kernels.SmallMatMul;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.TensorView;

import java.util.ArrayList;
import java.util.List;

/**
 * The forward pass of every supported decoder-only architecture, top to bottom. It processes a
 * run of {@code T} new tokens at once (the whole prompt in prefill, one token in decode),
 * appending their keys and values to the cache. The architecture's switches choose the norm,
 * the activation, and how positions enter; weight types are hidden behind {@link MatMul}.
 *
 * <p>A batch of sequences, each with its own cache, runs as one pass: the rows of all sequences
 * go through the linear layers together and only attention is per sequence. Activations live in
 * per-thread scratch buffers that grow to the largest call seen, because a tiny model evaluated
 * thousands of times per second would otherwise spend much of its time allocating them.
 */
public final class Transformer {
    private final ModelConfig c;
    private final Weights w;
    /** The blocks and output layer with the CPU's own copies: tiny models' matrices, repacked ones. */
    private final CpuWeights blocks;
    private final ThreadPool pool;
    /**
     * freq_scale · θ^(-2j/d) / f_j of every rotated pair, {@code [divisor set][rope table][pair]}:
     * one table per distinct (θ, scale) among the layers (Gemma 3: local and global), for each set
     * of divisors f a cache may turn with (longrope: short and long, chosen by the cache's
     * capacity), computed once; {@code ropeTableOf[l]} picks a layer's table.
     */
    private final double[][][] ropeFrequencies;
    private final int[] ropeTableOf;
    /** The divisor sets of {@link #ropeFrequencies}, null standing for all 1. */
    private final List<float[]> divisorSets = new ArrayList<>();
    private final float embeddingScale;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private final ThreadLocal<float[]> positionRow;
    private final ThreadLocal<float[]> rowBuffer = ThreadLocal.withInitial(() -> new float[SmallMatMul.bufferLength()]);
    /** Up to this many rows a tiny model's products run column-major ({@link SmallMatMul}); more amortize the prefill tile. */
    static final int SMALL_MATMUL_MAX_TOKENS = Integer.getInteger("bantam.smallMatmulTokens", 32);

    /** The forward pass with the repacking that {@code -Dbantam.repack} chooses ({@link Repack#fromSystemProperty}). */
    public Transformer(ModelConfig config, Weights weights, ThreadPool pool) {
        this(config, weights, pool, Repack.fromSystemProperty());
    }

    public Transformer(ModelConfig config, Weights weights, ThreadPool pool, Repack repack) {
        this.c = config;
        this.w = weights;
        this.blocks = CpuWeights.of(config, weights, repack, pool);
        this.pool = pool;
        this.positionRow = ThreadLocal.withInitial(() -> new float[config.dim()]);
        this.ropeTableOf = new int[c.layers()];
        List<LayerPlan> distinct = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            LayerPlan p = c.layer(l);
            int t = 0;
            while (t < distinct.size() && !distinct.get(t).sameRope(p)) t++;
            if (t == distinct.size()) distinct.add(p);
            ropeTableOf[l] = t;
        }
        divisorSets.add(weights.ropeDivisors(1));
        float[] atFullContext = weights.ropeDivisors(Integer.MAX_VALUE);
        if (atFullContext != divisorSets.get(0)) divisorSets.add(atFullContext);
        this.ropeFrequencies = new double[divisorSets.size()][distinct.size()][];
        for (int d = 0; d < divisorSets.size(); d++) {
            for (int t = 0; t < distinct.size(); t++) ropeFrequencies[d][t] = distinct.get(t).ropeFrequencies(c.ropeDims(), divisorSets.get(d));
        }
        // Gemma: sqrt(n_embd) as an f32 constant (spec §4)
        this.embeddingScale = c.arch().scaleEmbedding() ? (float) Math.sqrt(c.dim()) : 1f;
    }

    public ModelConfig config() { return c; }

    public Weights weights() { return w; }

    /** What {@link Repack} did at construction: matrices repacked, their copies' size, the time it took. */
    public Repack.Summary repackSummary() { return blocks.repacked(); }

    /**
     * Runs {@code tokens} through the model after the cache's current positions.
     *
     * @param allLogits true: logits for every new position {@code [T][vocab]}; false: the last one only
     */
    public float[] forward(KvCache cache, int[] tokens, boolean allLogits) {
        requireOutput();
        final int T = tokens.length, dim = c.dim();
        float[] x = layers(new KvCache[] {cache}, new int[][] {tokens}, false);
        int from = allLogits ? 0 : T - 1, n = T - from;
        float[] last = new float[n * dim];
        System.arraycopy(x, from * dim, last, 0, n * dim);
        norm(last, w.outputNorm(), last, n);
        float[] logits = new float[n * c.vocabSize()];
        MatMul.matmul(pool, blocks.output(), last, n, logits);
        if (c.logitSoftcap() > 0) Ops.softcap(logits, c.logitSoftcap());
        return logits;
    }

    /**
     * One decode step of a batch: appends {@code tokens[i]} to {@code caches[i]} for every
     * sequence in one pass (the linear layers see all rows together) and returns their logits,
     * {@code [tokens.length][vocab]}.
     */
    public float[] decode(KvCache[] caches, int[] tokens) {
        requireOutput();
        int n = tokens.length, dim = c.dim();
        int[][] rows = new int[n][];
        for (int i = 0; i < n; i++) rows[i] = new int[] {tokens[i]};
        float[] x = layers(caches, rows, false);
        float[] last = new float[n * dim];
        System.arraycopy(x, 0, last, 0, n * dim);
        norm(last, w.outputNorm(), last, n);
        float[] logits = new float[n * c.vocabSize()];
        MatMul.matmul(pool, blocks.output(), last, n, logits);
        if (c.logitSoftcap() > 0) Ops.softcap(logits, c.logitSoftcap());
        return logits;
    }

    private void requireOutput() {
        if (w.output() == null) {
            throw new UnsupportedModelException("this model was loaded without an output layer (its file has no output.weight, "
                    + "and its loader asked for none): it gives hidden states, not logits");
        }
    }

    /**
     * Appends {@code tokens[i]} to {@code caches[i]} for every sequence of a batch in one pass and
     * writes the final normalized hidden state of each sequence's last new token to
     * {@code hidden[i·dim ..]}: the input of policy and value heads.
     */
    public void forwardHidden(KvCache[] caches, int[][] tokens, float[] hidden) {
        int dim = c.dim();
        float[] x = layers(caches, tokens, true);
        for (int i = 0; i < tokens.length; i++) normRow(x, i * dim, w.outputNorm(), hidden, i * dim);
    }

    /**
     * Every layer over the batch's new rows; returns the residual stream {@code [rows][dim]}
     * (scratch). With {@code lastOnly} the last layer runs only each sequence's last token, whose
     * row is then {@code i}.
     */
    private float[] layers(KvCache[] caches, int[][] tokens, boolean lastOnly) {
        final int dim = c.dim(), qd = c.qDim();
        int T = 0;
        for (int i = 0; i < tokens.length; i++) {
            int start = caches[i].length(), n = tokens[i].length;
            if (n == 0) throw new IllegalArgumentException("sequence " + i + " of the batch has no new tokens");
            if (start + n > caches[i].capacity()) {
                throw new IllegalArgumentException("context full: %d cached + %d new tokens exceed the context size %d"
                        .formatted(start, n, caches[i].capacity()));
            }
            T += n;
        }
        // long prompts get buffers of their own, so a thread does not keep them for its lifetime
        Scratch s = T <= Scratch.KEPT_ROWS ? scratch.get() : new Scratch();
        s.ensure(c, T, ropeFrequencies[0].length);
        float[] x = s.x, xb = s.xb, q = s.q, k = s.k, v = s.v, attn = s.attn, proj = s.proj, up = s.up, gate = s.gate;
        for (int i = 0, row = 0; i < tokens.length; row += tokens[i].length, i++) embed(tokens[i], caches[i].length(), x, row);
        if (c.arch().usesRope()) ropeTables(caches, tokens, s);

        for (int l = 0; l < c.layers(); l++) {
            CpuWeights.Layer layer = blocks.layers().get(l);

            // attention: h = x + Wo · attn(q, k, v) with q, k, v from the normalized input
            norm(x, layer.attnNorm(), xb, T);
            if (layer.qkv() != null) {
                splitQkv(linear(layer.qkv(), xb, T, s.qkv), q, k, v, T);
            } else {
                linear(layer.q(), xb, T, q);
                linear(layer.k(), xb, T, k);
                linear(layer.v(), xb, T, v);
            }
            if (layer.qNorm() != null) headNorms(q, k, layer, T);
            if (c.arch().usesRope()) applyRope(q, k, T, s.cos[ropeTableOf[l]], s.sin[ropeTableOf[l]]);
            LayerPlan plan = c.layer(l);
            for (int i = 0, row = 0; i < tokens.length; row += tokens[i].length, i++) caches[i].write(l, k, v, row, caches[i].length(), tokens[i].length);
            // the last layer of a hidden-state pass: only each sequence's last token goes on (the
            // others' keys and values are stored above), moved to row i
            boolean lastRowsOnly = lastOnly && l == c.layers() - 1 && T > tokens.length;
            if (lastRowsOnly) {
                for (int i = 0, row = 0; i < tokens.length; row += tokens[i].length, i++) {
                    int last = row + tokens[i].length - 1;
                    System.arraycopy(q, last * qd, q, i * qd, qd);
                    System.arraycopy(x, last * dim, x, i * dim, dim);
                }
                T = tokens.length;
            }
            for (int i = 0, row = 0; i < tokens.length; row += lastRowsOnly ? 1 : tokens[i].length, i++) {
                KvCache cache = caches[i];
                int n = lastRowsOnly ? 1 : tokens[i].length, start = cache.length() + tokens[i].length - n;
                if (cache.keysT != null && n < Attention.TILED_FROM_TOKENS) {
                    Attention.causalTransposed(q, row * qd, cache.keysT[l], cache.valuesT[l], cache.capacity(), start, n,
                            c.heads(), c.kvHeads(), c.headDim(), plan.window(), c.attentionScale(), attn);
                } else {
                    Attention.causal(pool, q, row * qd, cache.keys[l], cache.values[l], start, n,
                            c.heads(), c.kvHeads(), c.headDim(), plan.window(), c.attentionScale(), attn);
                }
            }
            linear(layer.attnOut(), attn, T, proj);
            if (layer.postAttnNorm() != null) norm(proj, layer.postAttnNorm(), proj, T);
            FloatOps.add(proj, 0, x, 0, T * dim);

            // feed-forward: x' = h + Wdown · act(h) with the activation on the normalized h
            norm(x, layer.ffnNorm(), xb, T);
            if (layer.gate() == null && c.arch().gated()) {
                // gate and up fused in one matrix, gate rows first (phi3)
                splitGateUp(linear(layer.up(), xb, T, s.gateUp), gate, up, T);
            } else {
                linear(layer.up(), xb, T, up);
                if (layer.gate() != null) linear(layer.gate(), xb, T, gate);
            }
            switch (c.arch().activation()) {
                case SWIGLU -> Ops.swiglu(gate, up, T * c.ffnDim());
                case GEGLU -> Ops.geglu(gate, up, T * c.ffnDim());
                case GELU -> Ops.gelu(up, T * c.ffnDim());
            }
            linear(layer.down(), c.arch().gated() ? gate : up, T, proj);
            if (layer.postFfnNorm() != null) norm(proj, layer.postFfnNorm(), proj, T);
            FloatOps.add(proj, 0, x, 0, T * dim);
        }
        for (int i = 0; i < tokens.length; i++) caches[i].setLength(caches[i].length() + tokens[i].length);
        return x;
    }

    private void embed(int[] tokens, int start, float[] x, int firstRow) {
        int dim = c.dim();
        for (int t = 0; t < tokens.length; t++) {
            int id = tokens[t], off = (firstRow + t) * dim;
            if (id < 0 || id >= c.vocabSize()) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            rowInto(w.tokenEmbedding(), id, x, off);
            if (embeddingScale != 1f) for (int i = off; i < off + dim; i++) x[i] *= embeddingScale;
            if (w.positionEmbedding() != null) {
                int p = start + t;
                if (p >= w.positionEmbedding().rows()) throw new IllegalArgumentException("position " + p + " exceeds the model's " + w.positionEmbedding().rows() + " learned positions");
                float[] pos = positionRow.get();
                rowInto(w.positionEmbedding(), p, pos, 0);
                FloatOps.add(pos, 0, x, off, dim);
            }
        }
    }

    private static void rowInto(TensorView t, int row, float[] out, int off) {
        Kernels.of(t.type()).dequantize(t.data(), row * t.rowBytes(), out, off, t.cols());
    }

    private void norm(float[] x, Weights.Norm n, float[] out, int T) {
        for (int t = 0; t < T; t++) normRow(x, t * c.dim(), n, out, t * c.dim());
    }

    private void normRow(float[] x, int off, Weights.Norm n, float[] out, int outOff) {
        if (c.arch().norm() == Architecture.Norm.RMS) Ops.rmsNorm(x, off, n.weight(), c.normEps(), out, outOff, c.dim());
        else Ops.layerNorm(x, off, n.weight(), n.bias(), c.normEps(), out, outOff, c.dim());
    }

    private float[] linear(CpuWeights.Linear lin, float[] in, int T, float[] out) {
        if (lin.columnMajor() != null && T <= SMALL_MATMUL_MAX_TOKENS) {
            SmallMatMul.matmul(lin.columnMajor(), in, T, out, rowBuffer.get());
        } else {
            MatMul.matmul(pool, lin.matrix(), in, T, out);
        }
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

    private void splitGateUp(float[] gateUp, float[] gate, float[] up, int T) {
        int ff = c.ffnDim();
        for (int t = 0; t < T; t++) {
            System.arraycopy(gateUp, 2 * t * ff, gate, t * ff, ff);
            System.arraycopy(gateUp, (2 * t + 1) * ff, up, t * ff, ff);
        }
    }

    /** RMSNorm of every q and k head over its head size, in place (qwen3, gemma3: before RoPE). */
    private void headNorms(float[] q, float[] k, CpuWeights.Layer layer, int T) {
        int hd = c.headDim();
        for (int h = 0; h < T * c.heads(); h++) Ops.rmsNorm(q, h * hd, layer.qNorm().weight(), c.normEps(), q, h * hd, hd);
        for (int h = 0; h < T * c.kvHeads(); h++) Ops.rmsNorm(k, h * hd, layer.kNorm().weight(), c.normEps(), k, h * hd, hd);
    }

    /**
     * cos and sin of every rotated pair at each new row's position, per rope table, into the scratch
     * tables; each sequence turns with the divisors of its cache's capacity, and longrope's factor
     * scales both.
     */
    private void ropeTables(KvCache[] caches, int[][] tokens, Scratch s) {
        int half = c.ropeDims() / 2;
        double mscale = w.ropeMscale();
        for (int i = 0, first = 0; i < tokens.length; first += tokens[i].length, i++) {
            double[][] tables = ropeFrequencies[divisorSets.indexOf(w.ropeDivisors(caches[i].capacity()))];
            for (int f = 0; f < tables.length; f++) {
                double[] freq = tables[f];
                for (int t = 0, row = first; t < tokens[i].length; t++, row++) {
                    int pos = caches[i].length() + t;
                    for (int j = 0; j < half; j++) {
                        double angle = pos * freq[j];
                        s.cos[f][row][j] = (float) (mscale * Math.cos(angle));
                        s.sin[f][row][j] = (float) (mscale * Math.sin(angle));
                    }
                }
            }
        }
    }

    private void applyRope(float[] q, float[] k, int T, float[][] cosRows, float[][] sinRows) {
        boolean neox = c.arch().positions() == Architecture.Positions.ROPE_NEOX;
        int hd = c.headDim();
        for (int t = 0; t < T; t++) {
            float[] cos = cosRows[t], sin = sinRows[t];
            for (int h = 0; h < c.heads(); h++) Ops.rope(q, (t * c.heads() + h) * hd, c.ropeDims(), cos, sin, neox);
            for (int h = 0; h < c.kvHeads(); h++) Ops.rope(k, (t * c.kvHeads() + h) * hd, c.ropeDims(), cos, sin, neox);
        }
    }

    /** One thread's activation buffers, sized for the largest number of rows it has run. */
    private static final class Scratch {
        static final int KEPT_ROWS = 256;
        int rows = -1;
        float[] x, xb, q, k, v, qkv, attn, proj, up, gate, gateUp;
        /** [rope table][row][pair] */
        float[][][] cos, sin;

        void ensure(ModelConfig c, int T, int ropeTables) {
            if (T <= rows) return;
            int n = Math.max(T, Math.min(KEPT_ROWS, rows * 2));
            int dim = c.dim();
            x = new float[n * dim];
            xb = new float[n * dim];
            q = new float[n * c.qDim()];
            k = new float[n * c.kvDim()];
            v = new float[n * c.kvDim()];
            qkv = c.arch().fusedQkv() ? new float[n * (c.qDim() + 2 * c.kvDim())] : null;
            attn = new float[n * c.qDim()];
            proj = new float[n * dim];
            up = new float[n * c.ffnDim()];
            gate = c.arch().gated() ? new float[n * c.ffnDim()] : null;
            gateUp = c.arch().fusedGateUp() ? new float[n * 2 * c.ffnDim()] : null;
            cos = c.arch().usesRope() ? new float[ropeTables][n][c.ropeDims() / 2] : null;
            sin = c.arch().usesRope() ? new float[ropeTables][n][c.ropeDims() / 2] : null;
            rows = n;
        }
    }
}
