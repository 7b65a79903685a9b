package dev.bantam.convert;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts a GGUF file's weights to another type, streaming tensor by tensor. One-dimensional
 * tensors (norms, biases) stay F32. Unless {@code pure}, the mix follows llama.cpp's "_M" recipe:
 * the output matrix gets Q6_K, and for K-quant targets attn_v and ffn_down of the layers that
 * matter most (first and last eighth, every third in between) get Q6_K too, and a fused attn_qkv
 * one step more. Learned position embeddings are never quantized.
 */
public final class Quantizer {
    private static final Pattern LAYER = Pattern.compile("blk\\.(\\d+)\\.(.+)\\.weight");

    private final WeightType type;
    private final boolean pure;
    private final int layers;
    private final boolean tied;

    private Quantizer(WeightType type, boolean pure, int layers, boolean tied) {
        this.type = type;
        this.pure = pure;
        this.layers = layers;
        this.tied = tied;
    }

    /** The type each tensor of {@code in} gets. */
    public static Quantizer plan(GgufFile in, WeightType type, boolean pure) {
        String arch = in.metadata().optString("general.architecture").orElse("");
        int layers = (int) (long) in.metadata().optLong(arch + ".block_count").orElse(0L);
        return plan(type, pure, layers, !in.hasTensor("output.weight"));
    }

    /** The same plan for a model that is not a GGUF file yet (a checkpoint being converted). */
    public static Quantizer plan(WeightType type, boolean pure, int layers, boolean tied) {
        return new Quantizer(type, pure, layers, tied);
    }

    public WeightType targetOf(GgufTensorInfo t) {
        if (t.shape().length == 1 || t.elements() == t.shape()[0]) return WeightType.F32;
        // learned positions are added to every token's input: llama.cpp never quantizes them
        if (t.name().startsWith("position_embd")) return t.type() == WeightType.F32 ? WeightType.F32 : WeightType.F16;
        return TypeFit.forRow(pure ? type : mixed(t.name()), (int) t.shape()[0]);
    }

    private WeightType mixed(String name) {
        boolean lowBit = type != WeightType.Q8_0 && type != WeightType.Q6_K && type.blockSize > 1;
        if (!lowBit) return type;
        if (name.equals("output.weight") || (tied && name.equals("token_embd.weight"))) return WeightType.Q6_K;
        boolean kQuant = type == WeightType.Q4_K || type == WeightType.Q5_K;
        Matcher m = LAYER.matcher(name);
        if (kQuant && m.matches() && m.group(2).equals("attn_qkv")) return type == WeightType.Q4_K ? WeightType.Q5_K : WeightType.Q6_K;
        if (kQuant && m.matches() && (m.group(2).equals("attn_v") || m.group(2).equals("ffn_down"))
                && usesMoreBits(Integer.parseInt(m.group(1)))) {
            return WeightType.Q6_K;
        }
        return type;
    }

    private boolean usesMoreBits(int layer) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** Writes {@code in} with every tensor converted to {@link #targetOf}. */
    public void write(GgufFile in, Path out, ThreadPool pool, GgufWriter.Progress progress) throws IOException {
        GgufWriter writer = new GgufWriter().putAll(in.metadata());
        writer.put("general.file_type", GgufValue.ofU32(TypeFit.fileType(type)));
        writer.put("general.quantization_version", GgufValue.ofU32(2));
        for (GgufTensorInfo info : in.tensorInfos()) {
            TensorView t = in.tensor(info.name());
            if (!Kernels.supports(t.type())) {
                throw new IllegalArgumentException("%s: tensor %s has type %s, which cannot be read".formatted(in.path().getFileName(), info.name(), t.type()));
            }
            WeightType target = targetOf(info);
            int rows = Math.toIntExact(info.elements() / info.shape()[0]);
            if (target == t.type()) {
                writer.addTensor(info.name(), target, info.shape(), t.data());
            } else {
                writer.addTensor(info.name(), target, info.shape(), new EncodedTensor(target, rows, t.cols(), (r, values) -> Kernels.dequantizeRow(t, r, values), pool));
            }
        }
        writer.onProgress(progress).write(out);
    }
}
