package dev.bantam.cuda;

import dev.bantam.core.tensor.TensorView;

/**
 * A weight matrix on the device, {@code rows × cols} row-major, in its type's device layout:
 * {@code q} the file's bytes (Q6_K's super-blocks padded: {@link DeviceType#padded}), or for split types the quants with their fp16 block scales at
 * {@code d} (0 when unused).
 */
public record DeviceMatrix(DeviceType type, int rows, int cols, long q, long d) {

    /** Uploads a tensor, splitting or padding its blocks when its type has a device layout of its own. */
    static DeviceMatrix upload(Gpu gpu, TensorView t) {
        return uploadStacked(gpu, t);
    }

    /** Whether these matrices can be stacked into one: same weight type and row length. */
    static boolean stackable(TensorView... parts) {
        for (TensorView p : parts) if (p.type() != parts[0].type() || p.cols() != parts[0].cols()) return false;
        return true;
    }

    /**
     * Uploads matrices of one type and row length as one, their rows one after another (q, k and v
     * as one qkv matrix; gate and up as one): one launch instead of several, and the small k and v
     * matrices no longer leave most of the GPU idle on their own.
     */
    static DeviceMatrix uploadStacked(Gpu gpu, TensorView... parts) {
        TensorView t = parts[0];
        DeviceType type = DeviceType.of(t.type()).orElseThrow(() -> new IllegalArgumentException(
                "tensor %s has weight type %s, which the cuda backend does not run (it runs %s)".formatted(t.name(), t.type(), DeviceType.supported())));
        int rows = 0, cols = t.cols();
        long bytes = 0;
        for (TensorView p : parts) {
            rows += p.rows();
            bytes += p.data().byteSize();
        }
        long raw = gpu.alloc(bytes);
        long at = 0;
        for (TensorView p : parts) {
            gpu.driver().copyToDevice(raw + at, p.data(), p.data().byteSize());
            at += p.data().byteSize();
        }
        long blocks = (long) rows * cols / t.type().blockSize;
        if (type.padded()) {
            long padded = gpu.alloc(blocks * type.deviceBlockBytes());
            gpu.kernels().padQ6K(raw, padded, blocks);
            gpu.synchronize();
            gpu.free(raw);
            return new DeviceMatrix(type, rows, cols, padded, 0);
        }
        if (type.split() == null) return new DeviceMatrix(type, rows, cols, raw, 0);
        long q = gpu.alloc(blocks * type.splitQuantBytes()), d = gpu.alloc(blocks * 2);
        gpu.kernels().split(type, raw, q, d, blocks);
        gpu.synchronize();
        gpu.free(raw);
        return new DeviceMatrix(type, rows, cols, q, d);
    }

    /** Whether the type's own matrix-vector kernel takes rows of this length. */
    boolean vectorKernelFits() {
        return cols % type.colsMultiple() == 0;
    }

    /** Whether the type has an int8 (dp4a) matrix-vector kernel and it takes rows of this length. */
    boolean int8KernelFits() {
        return type.matvecInt8() != null && vectorKernelFits();
    }

    /** Bytes of one row at {@link #q}: the file's blocks (Q6_K's padded), or for split types the quants alone. */
    long rowBytes() {
        long blocks = cols / type.type().blockSize;
        return blocks * (type.split() == null ? type.deviceBlockBytes() : type.splitQuantBytes());
    }

    /** Bytes of one row's fp16 block scales at {@link #d} (split types), else 0. */
    long scaleRowBytes() {
        return d == 0 ? 0 : 2L * (cols / type.type().blockSize);
    }

    int typeId() {
        return type.type().id;
    }
}
