package dev.bantam.core.cpu;

import dev.bantam.core.kernels.SmallMatMul;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.Weights;
import dev.bantam.core.tensor.TensorView;

import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of a model's {@link Weights} as the CPU forward pass reads them: the same tensors,
 * plus for tiny models a float32 column-major copy of every linear layer's matrix
 * ({@link SmallMatMul}). The copies live here, built once per {@link Transformer}, because only the
 * CPU kernels read them: CUDA and the ONNX export load the same weights without paying for them.
 */
record CpuWeights(List<Layer> layers) {
    /** Models at most this wide get column-major weight copies: their per-token products are too small for dot products to pay off. */
    static final int TINY_DIM = 128;

    /** A linear layer of {@link Weights}, with its column-major copy (null above {@link #TINY_DIM}). */
    record Linear(TensorView weight, float[] bias, SmallMatMul.ColumnMajor columnMajor) {}

    /**
     * One block, shaped like {@link Weights.Layer}: for gpt2 and phi3 {@code qkv} is fused and
     * {@code q/k/v} are null; gate is null without a gated activation or where it is fused into up
     * (phi3); the q/k head norms and post-norms are null where the architecture has none.
     */
    record Layer(Weights.Norm attnNorm, Linear q, Linear k, Linear v, Linear qkv, Linear attnOut,
                 Weights.Norm ffnNorm, Linear gate, Linear up, Linear down,
                 Weights.Norm qNorm, Weights.Norm kNorm, Weights.Norm postAttnNorm, Weights.Norm postFfnNorm) {}

    static CpuWeights of(ModelConfig c, Weights w) {
        boolean tiny = c.dim() <= TINY_DIM;
        List<Layer> layers = new ArrayList<>(w.layers().size());
        for (Weights.Layer l : w.layers()) {
            layers.add(new Layer(l.attnNorm(), linear(l.q(), tiny), linear(l.k(), tiny), linear(l.v(), tiny), linear(l.qkv(), tiny),
                    linear(l.attnOut(), tiny), l.ffnNorm(), linear(l.gate(), tiny), linear(l.up(), tiny), linear(l.down(), tiny),
                    l.qNorm(), l.kNorm(), l.postAttnNorm(), l.postFfnNorm()));
        }
        return new CpuWeights(List.copyOf(layers));
    }

    private static Linear linear(Weights.Linear l, boolean tiny) {
        if (l == null) return null;
        return new Linear(l.weight(), l.bias(), tiny ? SmallMatMul.transpose(l.weight()) : null);
    }
}
