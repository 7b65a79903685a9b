package dev.bantam.convert;

import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufValue.GgufArray;
import dev.bantam.core.gguf.GgufValueType;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.model.Architecture;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a GGUF model of a real shape with seeded random weights, for benchmarks that need no
 * download. The tensors, names and metadata are exactly those of a converted model of that
 * architecture, so Bantam and llama.cpp both load it. Rows are generated from (seed, tensor, row),
 * so the file is the same whatever the thread count.
 */
public final class SynthModel {
    /** Standard deviation of matrix weights (uniform distribution): keeps activations in range. */
    private static final float WEIGHT_STD = 0.02f;

    private final SynthShape s;
    private final Architecture arch;
    private final WeightType type;
    private final long seed;
    private final ThreadPool pool;
    private final GgufWriter writer = new GgufWriter();
    private int tensorIndex;

    private SynthModel(SynthShape shape, WeightType type, long seed, ThreadPool pool) {
        this.s = shape;
        this.arch = Architecture.byName(shape.arch()).orElseThrow(() -> new IllegalArgumentException(
                "unsupported architecture '%s' (supported: %s)".formatted(shape.arch(), Architecture.supportedNames())));
        this.type = type;
        this.seed = seed;
        this.pool = pool;
    }

    public static void write(SynthShape shape, WeightType type, long seed, Path out, ThreadPool pool,
                             GgufWriter.Progress progress) throws IOException {
        if (!Kernels.supports(type)) throw new IllegalArgumentException("weight type " + type + " is not supported");
        if (shape.dim() % shape.heads() != 0 || shape.heads() % shape.kvHeads() != 0) {
            throw new IllegalArgumentException("heads %d must divide the width %d and be a multiple of kv heads %d"
                    .formatted(shape.heads(), shape.dim(), shape.kvHeads()));
        }
        SynthModel m = new SynthModel(shape, type, seed, pool);
        m.metadata();
        m.tensors();
        m.writer.onProgress(progress).write(out);
    }

    private void metadata() {
        String a = s.arch() + ".";
        writer.put("general.architecture", GgufValue.of(s.arch()));
        writer.put("general.name", GgufValue.of("bantam synth " + s.arch() + " " + s.dim() + "x" + s.layers()));
        writer.put("general.file_type", GgufValue.ofU32(TypeFit.fileType(type)));
        writer.put(a + "context_length", GgufValue.ofU32(s.context()));
        writer.put(a + "embedding_length", GgufValue.ofU32(s.dim()));
        writer.put(a + "block_count", GgufValue.ofU32(s.layers()));
        writer.put(a + "feed_forward_length", GgufValue.ofU32(s.ffn()));
        writer.put(a + "attention.head_count", GgufValue.ofU32(s.heads()));
        writer.put(a + "attention.head_count_kv", GgufValue.ofU32(s.kvHeads()));
        if (arch.norm() == Architecture.Norm.RMS) {
            writer.put(a + "attention.layer_norm_rms_epsilon", GgufValue.ofF32(s.normEps()));
        } else {
            writer.put(a + "attention.layer_norm_epsilon", GgufValue.ofF32(s.normEps()));
        }
        if (arch.usesRope()) writer.put(a + "rope.freq_base", GgufValue.ofF32(s.ropeTheta()));

        SynthVocabulary v = SynthVocabulary.of(s.vocab());
        writer.put("tokenizer.ggml.model", GgufValue.of("gpt2"));
        writer.put("tokenizer.ggml.pre", GgufValue.of("gpt-2"));
        writer.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(v.tokens())));
        writer.put("tokenizer.ggml.token_type", GgufValue.ofArray(new GgufArray(GgufValueType.INT32, v.types())));
        writer.put("tokenizer.ggml.merges", GgufValue.ofArray(GgufArray.ofStrings(v.merges())));
        writer.put("tokenizer.ggml.bos_token_id", GgufValue.ofU32(s.vocab() - 1));
        writer.put("tokenizer.ggml.eos_token_id", GgufValue.ofU32(s.vocab() - 1));
    }

    private void tensors() {
        int d = s.dim(), kv = s.kvHeads() * s.headDim(), ff = s.ffn();
        RowSource embeddings = uniform(0f, WEIGHT_STD);
        matrix("token_embd.weight", d, s.vocab(), embeddings);
        // llama.cpp's gpt2 loader requires output.weight even when it is tied; its converter
        // (GPT2Model in convert_hf_to_gguf.py) writes a copy of token_embd, and so does synth
        if (s.tiedOutput() && s.arch().equals("gpt2")) matrix("output.weight", d, s.vocab(), embeddings);
        if (arch.positions() == Architecture.Positions.LEARNED) matrix("position_embd.weight", d, s.context());
        norm("output_norm");
        if (!s.tiedOutput()) matrix("output.weight", d, s.vocab());
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            norm(p + "attn_norm");
            if (arch.fusedQkv()) {
                linear(p + "attn_qkv", d, d + 2 * kv, true);
            } else {
                linear(p + "attn_q", d, d, arch.qkvBiases());
                linear(p + "attn_k", d, kv, arch.qkvBiases());
                linear(p + "attn_v", d, kv, arch.qkvBiases());
            }
            linear(p + "attn_output", d, d, arch.linearBiases());
            norm(p + "ffn_norm");
            if (arch.activation() == Architecture.Activation.SWIGLU) linear(p + "ffn_gate", d, ff, false);
            linear(p + "ffn_up", d, ff, arch.linearBiases());
            linear(p + "ffn_down", ff, d, arch.linearBiases());
        }
    }

    private void linear(String name, int in, int out, boolean bias) {
        matrix(name + ".weight", in, out);
        if (bias) vector(name + ".bias", out, 0f, WEIGHT_STD);
    }

    private void norm(String name) {
        vector(name + ".weight", s.dim(), 1f, 0.1f);
        if (arch.norm() == Architecture.Norm.LAYER) vector(name + ".bias", s.dim(), 0f, WEIGHT_STD);
    }

    private void matrix(String name, int cols, int rows) {
        matrix(name, cols, rows, uniform(0f, WEIGHT_STD));
    }

    private void matrix(String name, int cols, int rows, RowSource values) {
        WeightType t = TypeFit.forRow(type, cols);
        writer.addTensor(name, t, new long[] {cols, rows}, new EncodedTensor(t, rows, cols, values, pool));
    }

    private void vector(String name, int n, float mean, float std) {
        writer.addTensor(name, WeightType.F32, new long[] {n}, new EncodedTensor(WeightType.F32, 1, n, uniform(mean, std), pool));
    }

    /** Uniform values of the given mean and standard deviation, seeded per (file seed, tensor, row). */
    private RowSource uniform(float mean, float std) {
        long tensorSeed = seed * 0x9E3779B97F4A7C15L + (tensorIndex++);
        float halfWidth = (float) (std * Math.sqrt(3));
        return (r, out) -> {
            SplittableRandom random = new SplittableRandom(tensorSeed * 31 + r);
            for (int i = 0; i < out.length; i++) out[i] = mean + halfWidth * (float) (2 * random.nextDouble() - 1);
        };
    }
}
