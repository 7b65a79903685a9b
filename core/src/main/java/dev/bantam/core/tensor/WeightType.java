package dev.bantam.core.tensor;

/**
 * The ggml weight types: the geometry half of ggml's type-traits table, one row per type with its
 * id and block geometry. Which types can run is the kernels' business ({@code Kernels.supports}):
 * every type is known here, so {@code bantam info} can show a file it cannot run.
 */
public enum WeightType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    BF16(30, 1, 2);

    /** The id in GGUF tensor infos. */
    public final int id;
    /** Values per block. */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;

    WeightType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public static WeightType byId(int id) {
        for (WeightType t : values()) if (t.id == id) return t;
        return null;
    }

    /** Bytes used by {@code elements} values (a multiple of the block size). */
    public long bytesFor(long elements) {
        return elements / blockSize * blockBytes;
    }
}
