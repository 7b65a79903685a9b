package dev.bantam.cuda;

import dev.bantam.core.model.Weights;
import dev.bantam.core.tensor.TensorView;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights on the device, shaped like the core's {@link Weights}: matrices in their
 * device layout, norm weights and biases as float32 (pointer 0 where absent). A tensor used twice
 * (an output tied to the token embedding) is uploaded once.
 */
record DeviceModel(DeviceMatrix tokenEmbedding, DeviceMatrix positionEmbedding, Norm outputNorm, DeviceMatrix output,
                   List<Layer> layers, long bytes) {

    record Norm(long weight, long bias) {}

    record Linear(DeviceMatrix weight, long bias) {}

    /** One block; {@code qkv} is set for a fused projection (q, k, v null), {@code gate} only with SwiGLU. */
    record Layer(Norm attnNorm, Linear q, Linear k, Linear v, Linear qkv, Linear attnOut,
                 Norm ffnNorm, Linear gate, Linear up, Linear down) {}

    static DeviceModel upload(Gpu gpu, Weights w) {
        var u = new Uploader(gpu);
        List<Layer> layers = new ArrayList<>();
        for (Weights.Layer l : w.layers()) {
            layers.add(new Layer(u.norm(l.attnNorm()), u.linear(l.q()), u.linear(l.k()), u.linear(l.v()), u.linear(l.qkv()),
                    u.linear(l.attnOut()), u.norm(l.ffnNorm()), u.linear(l.gate()), u.linear(l.up()), u.linear(l.down())));
        }
        return new DeviceModel(u.matrix(w.tokenEmbedding()), u.matrix(w.positionEmbedding()), u.norm(w.outputNorm()),
                u.matrix(w.output()), List.copyOf(layers), u.bytes);
    }

    private static final class Uploader {
        final Gpu gpu;
        final Map<TensorView, DeviceMatrix> uploaded = new IdentityHashMap<>();
        long bytes;

        Uploader(Gpu gpu) {
            this.gpu = gpu;
        }

        DeviceMatrix matrix(TensorView t) {
            if (t == null) return null;
            return uploaded.computeIfAbsent(t, v -> {
                bytes += v.data().byteSize();
                return DeviceMatrix.upload(gpu, v);
            });
        }

        Linear linear(Weights.Linear l) {
            return l == null ? null : new Linear(matrix(l.weight()), vector(l.bias()));
        }

        Norm norm(Weights.Norm n) {
            return new Norm(vector(n.weight()), vector(n.bias()));
        }

        long vector(float[] v) {
            if (v == null) return 0;
            bytes += 4L * v.length;
            return gpu.upload(v);
        }
    }
}
