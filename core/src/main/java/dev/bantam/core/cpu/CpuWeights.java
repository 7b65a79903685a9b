package dev.bantam.core.cpu;

import dev.bantam.core.kernels.SmallMatMul;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.kernels.WeightMatrix;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.Weights;
import dev.bantam.core.tensor.TensorView;

import java.util.ArrayList;
import java.util.List;

/**
 * The blocks and the output layer of a model's {@link Weights} as the CPU forward pass reads
 * them: the same tensors, plus for tiny models a float32 column-major copy of every linear
 * layer's matrix ({@link SmallMatMul}), and a repacked copy of every matrix whose type the
 * {@link Repack} covers (Q6_K, Q4_K) and that fits its budget. The copies live here, built once per {@link Transformer},
 * because only the CPU kernels read them: CUDA and the ONNX export load the same weights without paying for them.
 *
 * @param output   the output layer's matrix, null where the model was loaded without one
 * @param repacked what the {@link Repacker} did
 */
record CpuWeights(List<Layer> layers, WeightMatrix output, Repack.Summary repacked) {
    /** Models at most this wide get column-major weight copies: their per-token products are too small for dot products to pay off. */
    static final int TINY_DIM = 128;

    /**
     * A linear layer of {@link Weights}, with its column-major copy (null above {@link #TINY_DIM})
     * and the matrix the products read: the mapped tensor, or its repacked copy.
     */
    record Linear(TensorView weight, float[] bias, SmallMatMul.ColumnMajor columnMajor, WeightMatrix matrix) {}

    /**
     * One block, shaped like {@link Weights.Layer}: for gpt2 and phi3 {@code qkv} is fused and
     * {@code q/k/v} are null; gate is null without a gated activation or where it is fused into up
     * (phi3); the q/k head norms and post-norms are null where the architecture has none.
     */
    record Layer(Weights.Norm attnNorm, Linear q, Linear k, Linear v, Linear qkv, Linear attnOut,
                 Weights.Norm ffnNorm, Linear gate, Linear up, Linear down,
                 Weights.Norm qNorm, Weights.Norm kNorm, Weights.Norm postAttnNorm, Weights.Norm postFfnNorm) {}

    /** @param pool repacks the matrices, rows split over its threads */
    static CpuWeights of(ModelConfig c, Weights w, Repack repack, ThreadPool pool) {
        boolean tiny = c.dim() <= TINY_DIM;
        Repacker r = new Repacker(repack, pool, w);
        List<Layer> layers = new ArrayList<>(w.layers().size());
        for (Weights.Layer l : w.layers()) {
            layers.add(new Layer(l.attnNorm(), linear(l.q(), tiny, r), linear(l.k(), tiny, r), linear(l.v(), tiny, r),
                    linear(l.qkv(), tiny, r), linear(l.attnOut(), tiny, r), l.ffnNorm(), linear(l.gate(), tiny, r),
                    linear(l.up(), tiny, r), linear(l.down(), tiny, r), l.qNorm(), l.kNorm(), l.postAttnNorm(), l.postFfnNorm()));
        }
        WeightMatrix output = w.output() == null ? null : r.matrix(w.output());
        return new CpuWeights(List.copyOf(layers), output, r.finish());
    }

    private static Linear linear(Weights.Linear l, boolean tiny, Repacker r) {
        if (l == null) return null;
        // the column-major copy first: repacking may release the mapped pages it reads
        SmallMatMul.ColumnMajor columnMajor = tiny ? SmallMatMul.transpose(l.weight()) : null;
        return new Linear(l.weight(), l.bias(), columnMajor, r.matrix(l.weight()));
    }
}
