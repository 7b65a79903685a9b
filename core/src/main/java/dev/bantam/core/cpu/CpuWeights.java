package dev.bantam.core.cpu;

import dev.bantam.core.kernels.Q4_KRepack;
import dev.bantam.core.kernels.Q6_KRepack;
import dev.bantam.core.kernels.SmallMatMul;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.kernels.WeightMatrix;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.Weights;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The blocks and the output layer of a model's {@link Weights} as the CPU forward pass reads
 * them: the same tensors, plus for tiny models a float32 column-major copy of every linear
 * layer's matrix ({@link SmallMatMul}), and a repacked copy of every matrix whose type the
 * {@link Repack} covers (Q6_K, Q4_K). The copies live here, built once per {@link Transformer},
 * because only the CPU kernels read them: CUDA and the ONNX export load the same weights without paying for them.
 *
 * @param output the output layer's matrix, null where the model was loaded without one
 */
record CpuWeights(List<Layer> layers, WeightMatrix output) {
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
        List<Layer> layers = new ArrayList<>(w.layers().size());
        for (Weights.Layer l : w.layers()) {
            layers.add(new Layer(l.attnNorm(), linear(l.q(), tiny, repack, pool), linear(l.k(), tiny, repack, pool),
                    linear(l.v(), tiny, repack, pool), linear(l.qkv(), tiny, repack, pool), linear(l.attnOut(), tiny, repack, pool),
                    l.ffnNorm(), linear(l.gate(), tiny, repack, pool), linear(l.up(), tiny, repack, pool),
                    linear(l.down(), tiny, repack, pool), l.qNorm(), l.kNorm(), l.postAttnNorm(), l.postFfnNorm()));
        }
        return new CpuWeights(List.copyOf(layers), w.output() == null ? null : matrix(w.output(), repack, pool));
    }

    private static Linear linear(Weights.Linear l, boolean tiny, Repack repack, ThreadPool pool) {
        if (l == null) return null;
        return new Linear(l.weight(), l.bias(), tiny ? SmallMatMul.transpose(l.weight()) : null, matrix(l.weight(), repack, pool));
    }

    private static WeightMatrix matrix(TensorView t, Repack repack, ThreadPool pool) {
        if (!repack.covers(t.type())) return WeightMatrix.of(t);
        boolean q6 = t.type() == WeightType.Q6_K;
        try {
            return q6 ? Q6_KRepack.repack(pool, t) : Q4_KRepack.repack(pool, t);
        } catch (OutOfMemoryError e) {
            // off-heap copies count against the JVM's direct-memory limit (by default the heap's maximum)
            throw new IllegalArgumentException("-D%s=%s: no room for the %d MiB copy of %s (%s); raise -XX:MaxDirectMemorySize or leave the option off"
                    .formatted(Repack.PROPERTY, t.type().name().toLowerCase(Locale.ROOT), (q6 ? Q6_KRepack.bytes(t) : Q4_KRepack.bytes(t)) >> 20,
                            t.name(), e.getMessage()));
        }
    }
}
