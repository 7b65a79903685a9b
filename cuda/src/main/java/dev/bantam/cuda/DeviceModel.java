package dev.bantam.cuda;

import dev.bantam.core.model.Architecture;
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

    record Norm(long weight, long bias) {
        static final Norm NONE = new Norm(0, 0);

        boolean present() { return weight != 0; }
    }

    record Linear(DeviceMatrix weight, long bias) {}

    /**
     * One block. {@code qkv} is set when q, k and v are one matrix (fused in the file, or stacked at
     * upload; q, k, v null); {@code gateUp} when gate and up are one matrix ([gate; up] rows: fused
     * in the file as phi3's {@code ffn_up}, or stacked at upload; gate and up null); {@code gate}
     * only with a gated activation. The q/k norms and post-norms are {@link Norm#NONE} for
     * architectures without them.
     */
    record Layer(Norm attnNorm, Linear q, Linear k, Linear v, Linear qkv, Linear attnOut,
                 Norm ffnNorm, Linear gate, Linear up, Linear gateUp, Linear down,
                 Norm qNorm, Norm kNorm, Norm postAttnNorm, Norm postFfnNorm) {}

    static DeviceModel upload(Gpu gpu, Weights w, Architecture arch) {
        var u = new Uploader(gpu);
        List<Layer> layers = new ArrayList<>();
        for (Weights.Layer l : w.layers()) {
            Linear qkv = l.qkv() != null ? u.linear(l.qkv()) : u.stacked(l.q(), l.k(), l.v());
            Linear gateUp = l.gate() != null ? u.stacked(l.gate(), l.up()) : arch.fusedGateUp() ? u.linear(l.up()) : null;
            boolean separateQkv = qkv == null, separateFfn = gateUp == null;
            layers.add(new Layer(u.norm(l.attnNorm()),
                    separateQkv ? u.linear(l.q()) : null, separateQkv ? u.linear(l.k()) : null, separateQkv ? u.linear(l.v()) : null, qkv,
                    u.linear(l.attnOut()), u.norm(l.ffnNorm()),
                    separateFfn ? u.linear(l.gate()) : null, separateFfn ? u.linear(l.up()) : null, gateUp, u.linear(l.down()),
                    u.norm(l.qNorm()), u.norm(l.kNorm()), u.norm(l.postAttnNorm()), u.norm(l.postFfnNorm())));
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

        /** The parts as one matrix with their biases concatenated (zeros for a part without one), or null when their types differ. */
        Linear stacked(Weights.Linear... parts) {
            TensorView[] views = new TensorView[parts.length];
            boolean anyBias = false;
            int rows = 0;
            for (int i = 0; i < parts.length; i++) {
                views[i] = parts[i].weight();
                anyBias |= parts[i].bias() != null;
                rows += views[i].rows();
            }
            if (!DeviceMatrix.stackable(views)) return null;
            for (TensorView v : views) bytes += v.data().byteSize();
            DeviceMatrix m = DeviceMatrix.uploadStacked(gpu, views);
            if (!anyBias) return new Linear(m, 0);
            float[] bias = new float[rows];
            int at = 0;
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].bias() != null) System.arraycopy(parts[i].bias(), 0, bias, at, views[i].rows());
                at += views[i].rows();
            }
            return new Linear(m, vector(bias));
        }

        Norm norm(Weights.Norm n) {
            if (n == null) return Norm.NONE;
            return new Norm(vector(n.weight()), vector(n.bias()));
        }

        long vector(float[] v) {
            if (v == null) return 0;
            bytes += 4L * v.length;
            return gpu.upload(v);
        }
    }
}
