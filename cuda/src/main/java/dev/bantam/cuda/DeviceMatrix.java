package dev.bantam.cuda;

import dev.bantam.core.tensor.TensorView;

/**
 * A weight matrix on the device, {@code rows × cols} row-major, in its type's device layout:
 * {@code q} the file's bytes, or for split types the quants with their fp16 block scales at
 * {@code d} (0 when unused).
 */
public record DeviceMatrix(DeviceType type, int rows, int cols, long q, long d) {

    /** Uploads a tensor, splitting its blocks when its type has a device layout of its own. */
    static DeviceMatrix upload(Gpu gpu, TensorView t) {
        DeviceType type = DeviceType.of(t.type()).orElseThrow(() -> new IllegalArgumentException(
                "tensor %s has weight type %s, which the cuda backend does not run (it runs %s)".formatted(t.name(), t.type(), DeviceType.supported())));
        int rows = t.rows(), cols = t.cols();
        if (type.split() == null) return new DeviceMatrix(type, rows, cols, gpu.upload(t.data()), 0);
        long blocks = (long) rows * cols / t.type().blockSize;
        long raw = gpu.upload(t.data());
        long q = gpu.alloc(blocks * type.splitQuantBytes()), d = gpu.alloc(blocks * 2);
        gpu.launch(type.split(), new int[] {(int) Math.min((blocks + 255) / 256, 65535)}, 256, raw, q, d, blocks);
        gpu.synchronize();
        gpu.free(raw);
        return new DeviceMatrix(type, rows, cols, q, d);
    }

    /** Whether the type's own matrix-vector kernel takes rows of this length. */
    boolean vectorKernelFits() {
        return cols % type.colsMultiple() == 0;
    }

    int typeId() {
        return type.type().id;
    }
}
