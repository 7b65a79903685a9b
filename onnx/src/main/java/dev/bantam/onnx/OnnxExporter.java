package dev.bantam.onnx;

import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.model.Architecture;
import dev.bantam.core.model.LayerPlan;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.ModelFile;
import dev.bantam.core.model.Weights;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.onnx.GraphBuilder.Dim;
import dev.bantam.onnx.GraphBuilder.Type;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a GGUF decoder (every {@link Architecture} row: llama with llama3 rope factors, mistral,
 * qwen2, qwen3, gemma3, phi3 with or without longrope, gpt2) to an ONNX graph of standard operators
 * that reproduces {@link dev.bantam.core.cpu.Transformer}'s forward pass. Quantized GGUF weights are
 * dequantized on the way. The graph's inputs and outputs (README.md, {@code bantam export-onnx}):
 * <pre>
 *   input_ids                  int64 [batch, sequence]
 *   attention_mask             int64 [batch, total_sequence]     (total = past + sequence; 1 = attend, 0 = padding)
 *   position_ids               int64 [batch, sequence]
 *   past_key_values.{i}.key    KV    [batch, kv_heads, past_sequence, head_dim]   (not with --no-kv-cache)
 *   past_key_values.{i}.value  KV    [batch, kv_heads, past_sequence, head_dim]
 *   → logits                   float [batch, sequence, vocab]
 *   → present.{i}.key|value    KV    [batch, kv_heads, total_sequence, head_dim]
 * </pre>
 * KV is float32, or float16 in an fp16 export. Keys are stored after RoPE.
 *
 * <p>Model metadata: {@code bantam.source}, {@code bantam.architecture}, {@code bantam.precision},
 * {@code bantam.kv_cache}, {@code bantam.context_length}, {@code bantam.vocab_size} and the source's
 * tokenizer ({@link TokenizerMetadata#KEY}, format there), so that {@link OnnxBackend} runs a
 * {@code .onnx} file on its own.
 *
 * <p>One method per part of a block (norm, linear, rope, attention, mlp) reads the architecture's
 * switches and the layer plan (window, rope base); nothing is written per architecture. Longrope
 * factors are those of the exported context ({@code bantam.context_length}), as the CPU engine
 * picks them for a cache of that size. The residual stream, norms and softmax are float32
 * in every precision; fp16 exports run the linear layers and attention matmuls in float16, int8
 * exports run every linear layer as DynamicQuantizeLinear → MatMulInteger with symmetric
 * per-output-channel int8 weights, as ONNX Runtime's {@code quantize_dynamic} does.
 */
public final class OnnxExporter {
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String POSITION_IDS = "position_ids";
    public static final String LOGITS = "logits";
    public static final int DEFAULT_OPSET = 17;
    public static final int MIN_OPSET = 17;
    public static final int MAX_OPSET = 21;
    /** Initializers above this many bytes in total go to the side file (protobuf messages stop at 2 GiB). */
    public static final long EXTERNAL_DATA_THRESHOLD = (1L << 31) - (64L << 20);

    public static String pastKey(int layer) { return "past_key_values." + layer + ".key"; }
    public static String pastValue(int layer) { return "past_key_values." + layer + ".value"; }
    public static String presentKey(int layer) { return "present." + layer + ".key"; }
    public static String presentValue(int layer) { return "present." + layer + ".value"; }

    public enum Precision {
        FP32, FP16, INT8;

        public static Precision parse(String s) {
            return switch (s.toLowerCase()) {
                case "fp32", "f32", "float32" -> FP32;
                case "fp16", "f16", "float16" -> FP16;
                case "int8", "i8" -> INT8;
                default -> throw new IllegalArgumentException("unknown precision '" + s + "' (expected fp32, fp16 or int8)");
            };
        }
    }

    public record Options(Precision precision, boolean kvCache, int opset, long externalDataThreshold) {
        public Options {
            if (opset < MIN_OPSET || opset > MAX_OPSET) {
                throw new IllegalArgumentException("opset %d is not supported (expected %d to %d)".formatted(opset, MIN_OPSET, MAX_OPSET));
            }
        }

        public static Options defaults() {
            return new Options(Precision.FP32, true, DEFAULT_OPSET, EXTERNAL_DATA_THRESHOLD);
        }

        public Options withPrecision(Precision p) { return new Options(p, kvCache, opset, externalDataThreshold); }
        public Options withKvCache(boolean kv) { return new Options(precision, kv, opset, externalDataThreshold); }
        public Options withOpset(int o) { return new Options(precision, kvCache, o, externalDataThreshold); }
        public Options withExternalDataThreshold(long t) { return new Options(precision, kvCache, opset, t); }
    }

    /** What was written: the model file, the external-data file (null when none), sizes. */
    public record Result(Path model, Path externalData, ModelConfig config, long initializerBytes, int layers) {}

    /** Exports {@code gguf} to {@code out} (and {@code out.data} for large models). */
    public static Result export(Path gguf, Path out, Options options, GgufWriter.Progress progress) throws IOException {
        // config and weights only: the tokenizer's metadata is copied as it is, without building it
        try (ModelFile file = ModelFile.open(gguf)) {
            String name = file.name();
            ModelConfig config = file.config();
            Weights weights = file.weights();
            GraphBuilder g = new OnnxExporter(config, weights, options).build();
            g.metadata("bantam.source", name);
            g.metadata("bantam.architecture", config.arch().name());
            g.metadata("bantam.precision", options.precision().name().toLowerCase());
            g.metadata("bantam.kv_cache", Boolean.toString(options.kvCache()));
            TokenizerMetadata.exportMetadata(file.gguf().metadata(), config.contextLength(), config.vocabSize()).forEach(g::metadata);
            String version = OnnxExporter.class.getPackage().getImplementationVersion();
            boolean external = g.write(out, config.arch().name(), version == null ? "dev" : version, options.externalDataThreshold(), progress);
            return new Result(out, external ? out.resolveSibling(out.getFileName() + ".data") : null, config, g.initializerBytes(), config.layers());
        }
    }

    private static final Dim BATCH = Dim.of("batch"), SEQ = Dim.of("sequence"), PAST = Dim.of("past_sequence"), TOTAL = Dim.of("total_sequence");

    private final ModelConfig c;
    private final Weights w;
    private final Options o;
    private final GraphBuilder g;
    /** The type of the linear layers' activations and of the KV cache. */
    private final Type compute;
    /** DynamicQuantizeLinear outputs per activation (int8), shared by the linears that read it. */
    private final Map<String, String[]> quantizedActivations = new HashMap<>();
    private String allowed;          // bool [batch, 1, sequence, total]: causal ∧ attention_mask
    /** allowed ∧ within the window, per distinct window of the layer plan (0: allowed itself). */
    private final Map<Integer, String> allowedByWindow = new HashMap<>();
    /** rope tables {cos, sin} [batch, 1, sequence, rope_dims/2] (and a trailing 1 for normal rope), per distinct (base, scale). */
    private final Map<List<Double>, String[]> ropeByBase = new HashMap<>();

    private OnnxExporter(ModelConfig config, Weights weights, Options options) {
        this.c = config;
        this.w = weights;
        this.o = options;
        this.g = new GraphBuilder(options.opset());
        this.compute = options.precision() == Precision.FP16 ? Type.FLOAT16 : Type.FLOAT;
    }

    private GraphBuilder build() {
        g.input(INPUT_IDS, Type.INT64, BATCH, SEQ);
        g.input(ATTENTION_MASK, Type.INT64, BATCH, TOTAL);
        g.input(POSITION_IDS, Type.INT64, BATCH, SEQ);
        if (o.kvCache()) {
            for (int l = 0; l < c.layers(); l++) {
                g.input(pastKey(l), compute, BATCH, Dim.of(c.kvHeads()), PAST, Dim.of(c.headDim()));
                g.input(pastValue(l), compute, BATCH, Dim.of(c.kvHeads()), PAST, Dim.of(c.headDim()));
            }
        }
        g.output(LOGITS, Type.FLOAT, BATCH, SEQ, Dim.of(c.vocabSize()));
        if (o.kvCache()) {
            for (int l = 0; l < c.layers(); l++) {
                g.output(presentKey(l), compute, BATCH, Dim.of(c.kvHeads()), TOTAL, Dim.of(c.headDim()));
                g.output(presentValue(l), compute, BATCH, Dim.of(c.kvHeads()), TOTAL, Dim.of(c.headDim()));
            }
        }

        String x = embed();
        mask();
        for (int l = 0; l < c.layers(); l++) x = block(l, x);
        String h = toCompute(norm(x, w.outputNorm(), "output_norm"));
        if (w.output() == null) {
            throw new dev.bantam.core.model.UnsupportedModelException("a policy/value model without an output layer cannot be exported to a language-model graph; "
                    + "run its own ONNX file with bantam play / game-bench --backend onnx-cpu");
        }
        String logits = toFloat(linear(h, new Weights.Linear(w.output(), null), "output"));
        if (c.logitSoftcap() > 0) {
            // c · tanh(logits / c) (Gemma's final_logit_softcapping)
            String cap = g.scalar(c.logitSoftcap(), Type.FLOAT);
            g.opNamed("Mul", List.of(g.op1("Tanh", g.op("Div", logits, cap)), cap), LOGITS);
        } else {
            g.opNamed("Identity", List.of(logits), LOGITS);
        }
        return g;
    }

    /**
     * x ← x + post(attention(norm(x))); x ← x + post(mlp(norm(x))), as in Transformer.forward; the
     * post-norms only where the architecture has them (gemma3).
     */
    private String block(int l, String x) {
        Weights.Layer layer = w.layers().get(l);
        String p = "blk." + l + ".";
        String a = toFloat(attention(l, layer, toCompute(norm(x, layer.attnNorm(), p + "attn_norm"))));
        if (layer.postAttnNorm() != null) a = norm(a, layer.postAttnNorm(), p + "post_attention_norm");
        x = g.op("Add", x, a);
        String m = toFloat(mlp(layer, toCompute(norm(x, layer.ffnNorm(), p + "ffn_norm")), p));
        if (layer.postFfnNorm() != null) m = norm(m, layer.postFfnNorm(), p + "post_ffw_norm");
        return g.op("Add", x, m);
    }

    // ---- embeddings and positions -------------------------------------------------------------

    private String embed() {
        String x = toFloat(g.op("Gather", table(w.tokenEmbedding()), INPUT_IDS));
        // Gemma: sqrt(n_embd) as an f32 constant (spec §4)
        if (c.arch().scaleEmbedding()) x = g.op("Mul", x, g.scalar((float) Math.sqrt(c.dim()), Type.FLOAT));
        if (c.arch().positions() == Architecture.Positions.LEARNED) {
            x = g.op("Add", x, toFloat(g.op("Gather", table(w.positionEmbedding()), POSITION_IDS)));
        }
        return x;
    }

    /** An embedding table [rows, cols] in the weights' float type (float16 in fp16 exports). */
    private String table(TensorView t) {
        Type type = compute == Type.FLOAT16 ? Type.FLOAT16 : Type.FLOAT;
        return g.initializer(t.name(), type, new long[] {t.rows(), t.cols()}, () -> GraphBuilder.encode(Kernels.toFloatArray(t), type));
    }

    /**
     * The attention mask, once for all layers: query i of the new tokens sits at slot past + i and
     * may read slot j when j ≤ past + i and attention_mask[b, j] = 1.
     */
    private void mask() {
        String total = g.op("Gather", g.op1("Shape", ATTENTION_MASK), g.scalarInt(1), "axis", 0);
        String seq = g.op("Gather", g.op1("Shape", INPUT_IDS), g.scalarInt(1), "axis", 0);
        String past = g.op("Sub", total, seq);
        String keySlots = g.op("Range", List.of(g.scalarInt(0), total, g.scalarInt(1)));
        String querySlots = g.unsqueeze(g.op("Range", List.of(past, total, g.scalarInt(1))), 1);
        String causal = g.op("LessOrEqual", keySlots, querySlots);                        // [sequence, total]
        String padding = g.unsqueeze(g.cast(ATTENTION_MASK, Type.BOOL), 1, 2);            // [batch, 1, 1, total]
        allowed = g.op("And", causal, padding);                                           // [batch, 1, sequence, total]
        allowedByWindow.put(0, allowed);
        // a window W also hides key slot j from query slot i unless i − j < W (spec §1); slots and
        // positions differ by the left padding only, which leaves their distances unchanged
        for (int l = 0; l < c.layers(); l++) {
            int window = c.layer(l).window();
            if (allowedByWindow.containsKey(window)) continue;
            String distance = g.op("Sub", querySlots, keySlots);                          // [sequence, total]
            String near = g.op("Less", distance, g.scalarInt(window));
            allowedByWindow.put(window, g.op("And", allowed, near));
        }
    }

    /**
     * cos and sin of position × inv_freq for a layer's (base, scale), computed in the graph so
     * positions stay dynamic; built once per distinct pair, on first use. inv_freq_j =
     * scale · base^(−2j/d) / f_j with the file's divisors (llama3 rope_freqs, longrope factors);
     * longrope's attn_factor multiplies both.
     */
    private String[] ropeTables(LayerPlan plan) {
        return ropeByBase.computeIfAbsent(List.of(plan.ropeBase(), plan.ropeScale()), key -> {
            int half = c.ropeDims() / 2;
            float[] divisors = w.ropeDivisors(c.contextLength());
            float[] invFreq = new float[half];
            for (int i = 0; i < half; i++) {
                invFreq[i] = (float) (plan.ropeScale() * Math.pow(plan.ropeBase(), -2.0 * i / c.ropeDims()) / (divisors == null ? 1 : divisors[i]));
            }
            String inv = g.floats(g.fresh("rope.inv_freq"), Type.FLOAT, new long[] {half}, invFreq);
            String pos = g.unsqueeze(g.cast(POSITION_IDS, Type.FLOAT), 2);                 // [batch, sequence, 1]
            String angles = g.unsqueeze(g.op("Mul", pos, inv), 1);                        // [batch, 1, sequence, half]
            if (c.arch().positions() == Architecture.Positions.ROPE_NORMAL) angles = g.unsqueeze(angles, 4);
            String cos = g.op1("Cos", angles), sin = g.op1("Sin", angles);
            if (w.ropeMscale() != 1f) {
                String mscale = g.scalar(w.ropeMscale(), Type.FLOAT);
                cos = g.op("Mul", cos, mscale);
                sin = g.op("Mul", sin, mscale);
            }
            return new String[] {toCompute(cos), toCompute(sin)};
        });
    }

    /**
     * Rotary embedding of x [batch, heads, sequence, head_dim] over its first rope_dims elements:
     * NEOX rotates (i, i + d/2), normal rope adjacent pairs (2i, 2i+1).
     */
    private String rope(String x, String[] table) {
        String cos = table[0], sin = table[1];
        int rd = c.ropeDims(), half = rd / 2, hd = c.headDim();
        String rot = rd == hd ? x : g.slice(x, 0, rd, -1);
        String out;
        if (c.arch().positions() == Architecture.Positions.ROPE_NEOX) {
            String x1 = g.slice(rot, 0, half, -1), x2 = g.slice(rot, half, rd, -1);
            String o1 = g.op("Sub", g.op("Mul", x1, cos), g.op("Mul", x2, sin));
            String o2 = g.op("Add", g.op("Mul", x2, cos), g.op("Mul", x1, sin));
            out = g.op("Concat", List.of(o1, o2), "axis", -1);
        } else {
            String pairs = g.reshape(rot, 0, 0, 0, half, 2);
            String x1 = g.slice(pairs, 0, 1, -1), x2 = g.slice(pairs, 1, 2, -1);
            String o1 = g.op("Sub", g.op("Mul", x1, cos), g.op("Mul", x2, sin));
            String o2 = g.op("Add", g.op("Mul", x1, sin), g.op("Mul", x2, cos));
            out = g.reshape(g.op("Concat", List.of(o1, o2), "axis", -1), 0, 0, 0, rd);
        }
        return rd == hd ? out : g.op("Concat", List.of(out, g.slice(x, rd, hd, -1)), "axis", -1);
    }

    // ---- block parts --------------------------------------------------------------------------

    /** RMSNorm or LayerNorm over the last axis (n_embd long), in float32. */
    private String norm(String x, Weights.Norm n, String name) {
        String weight = g.floats(name + ".weight", Type.FLOAT, new long[] {n.weight().length}, n.weight());
        if (c.arch().norm() == Architecture.Norm.LAYER) {
            String bias = g.floats(name + ".bias", Type.FLOAT, new long[] {c.dim()}, n.bias());
            return g.op("LayerNormalization", List.of(x, weight, bias), "axis", -1, "epsilon", c.normEps());
        }
        String meanSquare = g.reduceMeanLast(g.op("Mul", x, x));
        String rms = g.op1("Sqrt", g.op("Add", meanSquare, g.scalar(c.normEps(), Type.FLOAT)));
        return g.op("Mul", g.op("Div", x, rms), weight);
    }

    /** Causal multi-head attention with GQA over past and new keys; appends to the KV cache outputs. */
    private String attention(int l, Weights.Layer layer, String h) {
        String p = "blk." + l + ".";
        String q, k, v;
        if (c.arch().fusedQkv()) {
            String qkv = linear(h, layer.qkv(), p + "attn_qkv");
            q = g.slice(qkv, 0, c.qDim(), -1);
            k = g.slice(qkv, c.qDim(), c.qDim() + c.kvDim(), -1);
            v = g.slice(qkv, c.qDim() + c.kvDim(), c.qDim() + 2L * c.kvDim(), -1);
        } else {
            q = linear(h, layer.q(), p + "attn_q");
            k = linear(h, layer.k(), p + "attn_k");
            v = linear(h, layer.v(), p + "attn_v");
        }
        q = heads(q, c.heads());
        k = heads(k, c.kvHeads());
        v = heads(v, c.kvHeads());
        if (layer.qNorm() != null) {
            // per head over head_dim, before RoPE (qwen3, gemma3); float32 like every norm
            q = toCompute(norm(toFloat(q), layer.qNorm(), p + "attn_q_norm"));
            k = toCompute(norm(toFloat(k), layer.kNorm(), p + "attn_k_norm"));
        }
        if (c.arch().usesRope()) {
            String[] table = ropeTables(c.layer(l));
            q = rope(q, table);
            k = rope(k, table);
        }
        if (o.kvCache()) {
            g.opNamed("Concat", List.of(pastKey(l), k), presentKey(l), "axis", 2);
            g.opNamed("Concat", List.of(pastValue(l), v), presentValue(l), "axis", 2);
            k = presentKey(l);
            v = presentValue(l);
        }
        k = repeatKv(k);
        v = repeatKv(v);
        // q is scaled (1/√head_dim, or the config's scale) before q·kᵀ, which keeps float16 scores in range
        q = g.op("Mul", q, g.scalar(c.attentionScale(), compute));
        String scores = toFloat(g.op("MatMul", q, g.op1("Transpose", k, "perm", new long[] {0, 1, 3, 2})));
        scores = g.op("Where", List.of(allowedByWindow.get(c.layer(l).window()), scores, g.scalar(-Float.MAX_VALUE, Type.FLOAT)));
        String probs = toCompute(g.op1("Softmax", scores, "axis", -1));
        String ctx = g.op("MatMul", probs, v);                                            // [batch, heads, sequence, head_dim]
        ctx = g.reshape(g.op1("Transpose", ctx, "perm", new long[] {0, 2, 1, 3}), 0, 0, c.qDim());
        return linear(ctx, layer.attnOut(), p + "attn_output");
    }

    /** [batch, sequence, n·head_dim] → [batch, n, sequence, head_dim] */
    private String heads(String x, int n) {
        return g.op1("Transpose", g.reshape(x, 0, 0, n, c.headDim()), "perm", new long[] {0, 2, 1, 3});
    }

    /** GQA: each kv head serves heads/kv_heads query heads, [batch, kv_heads, t, d] → [batch, heads, t, d]. */
    private String repeatKv(String x) {
        int group = c.heads() / c.kvHeads();
        if (group == 1) return x;
        String expanded = g.op("Expand", g.unsqueeze(x, 2), g.ints(1, 1, group, 1, 1));
        return g.reshape(expanded, 0, c.heads(), -1, c.headDim());
    }

    /**
     * SwiGLU (silu(gate) · up), GeGLU (gelu_tanh(gate) · up) or GELU (tanh approximation), then
     * down; a gate fused into {@code ffn_up} is its first half (phi3).
     */
    private String mlp(Weights.Layer layer, String h, String p) {
        String up = linear(h, layer.up(), p + "ffn_up"), gate = null;
        if (c.arch().gated() && layer.gate() == null) {
            int ff = c.ffnDim();
            gate = g.slice(up, 0, ff, -1);
            up = g.slice(up, ff, 2L * ff, -1);
        } else if (c.arch().gated()) {
            gate = linear(h, layer.gate(), p + "ffn_gate");
        }
        String act = switch (c.arch().activation()) {
            case SWIGLU -> g.op("Mul", g.op("Mul", gate, g.op1("Sigmoid", gate)), up);
            case GEGLU -> g.op("Mul", gelu(gate), up);
            case GELU -> gelu(up);
        };
        return linear(act, layer.down(), p + "ffn_down");
    }

    /** 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))), GPT-2's gelu_new, from basic ops. */
    private String gelu(String x) {
        String cube = g.op("Pow", x, g.scalar(3f, compute));
        String inner = g.op("Add", x, g.op("Mul", cube, g.scalar(0.044715f, compute)));
        String t = g.op1("Tanh", g.op("Mul", inner, g.scalar((float) Math.sqrt(2 / Math.PI), compute)));
        return g.op("Mul", g.op("Mul", x, g.scalar(0.5f, compute)), g.op("Add", t, g.scalar(1f, compute)));
    }

    /** y = x · Wᵀ + b. The initializer {@code NAME.weight} holds Wᵀ, [in, out]. */
    private String linear(String x, Weights.Linear lin, String name) {
        TensorView t = lin.weight();
        int in = t.cols(), out = t.rows();
        String y;
        if (o.precision() == Precision.INT8) {
            QuantizedMatrix qm = new QuantizedMatrix(t);
            String wq = g.initializer(name + ".weight_quantized", Type.INT8, new long[] {in, out}, qm::weights);
            String ws = g.initializer(name + ".weight_scale", Type.FLOAT, new long[] {out}, qm::scales);
            String[] xq = quantizedActivations.computeIfAbsent(x, a -> g.opN("DynamicQuantizeLinear", List.of(a), 3));
            String acc = g.cast(g.op("MatMulInteger", List.of(xq[0], wq, xq[2])), Type.FLOAT);
            y = g.op("Mul", acc, g.op("Mul", xq[1], ws));
        } else {
            String weight = g.initializer(name + ".weight", compute, new long[] {in, out},
                    () -> GraphBuilder.encode(transpose(Kernels.toFloatArray(t), out, in), compute));
            y = g.op("MatMul", x, weight);
        }
        if (lin.bias() != null) y = g.op("Add", y, g.floats(name + ".bias", compute, new long[] {out}, lin.bias()));
        return y;
    }

    private String toCompute(String x) {
        return compute == Type.FLOAT ? x : g.cast(x, compute);
    }

    private String toFloat(String x) {
        return compute == Type.FLOAT ? x : g.cast(x, Type.FLOAT);
    }

    /** m [rows][cols] → [cols][rows] */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) t[k * rows + r] = m[r * cols + k];
        }
        return t;
    }

    /**
     * A GGUF matrix [out][in] quantized symmetrically per output channel: scale = max|w| / 127,
     * q = round(w / scale) in [-127, 127], stored transposed [in][out]. Computed once when the
     * first of its two initializers is written, dropped after the second.
     */
    private static final class QuantizedMatrix {
        private final TensorView t;
        private byte[] weights;
        private byte[] scales;

        QuantizedMatrix(TensorView t) {
            this.t = t;
        }

        synchronized byte[] weights() {
            if (weights == null) quantize();
            byte[] r = weights;
            weights = new byte[0];
            return r;
        }

        synchronized byte[] scales() {
            if (scales == null) quantize();
            byte[] r = scales;
            scales = new byte[0];
            return r;
        }

        private void quantize() {
            float[] m = Kernels.toFloatArray(t);
            int in = t.cols(), out = t.rows();
            byte[] q = new byte[in * out];
            ByteBuffer s = ByteBuffer.allocate(out * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < out; r++) {
                float max = 0;
                for (int k = 0; k < in; k++) max = Math.max(max, Math.abs(m[r * in + k]));
                float scale = max == 0 ? 1f : max / 127f;
                s.putFloat(scale);
                for (int k = 0; k < in; k++) {
                    q[k * out + r] = (byte) Math.max(-127, Math.min(127, Math.round(m[r * in + k] / scale)));
                }
            }
            weights = q;
            scales = s.array();
        }
    }
}
