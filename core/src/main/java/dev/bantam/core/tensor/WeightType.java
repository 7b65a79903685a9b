package dev.bantam.core.tensor;

import dev.bantam.core.kernels.BF16Kernels;
import dev.bantam.core.kernels.F16Kernels;
import dev.bantam.core.kernels.F32Kernels;
import dev.bantam.core.kernels.Q4_0Kernels;
import dev.bantam.core.kernels.Q4_1Kernels;
import dev.bantam.core.kernels.Q5_0Kernels;
import dev.bantam.core.kernels.Q5_1Kernels;
import dev.bantam.core.kernels.Q4_KKernels;
import dev.bantam.core.kernels.Q5_KKernels;
import dev.bantam.core.kernels.Q6_KKernels;
import dev.bantam.core.kernels.Q8_0Kernels;
import dev.bantam.core.kernels.WeightKernels;

/**
 * The ggml weight types: ggml's type-traits table. One row per type with its id, block geometry
 * and the kernels that read it. A type with no kernels yet is known (so {@code bantam info} can
 * show it) but cannot be run.
 */
public enum WeightType {
    F32(0, 1, 4, new F32Kernels()),
    F16(1, 1, 2, new F16Kernels()),
    Q4_0(2, 32, 18, new Q4_0Kernels()),
    Q4_1(3, 32, 20, new Q4_1Kernels()),
    Q5_0(6, 32, 22, new Q5_0Kernels()),
    Q5_1(7, 32, 24, new Q5_1Kernels()),
    Q8_0(8, 32, 34, new Q8_0Kernels()),
    Q8_1(9, 32, 36, null),
    Q2_K(10, 256, 84, null),
    Q3_K(11, 256, 110, null),
    Q4_K(12, 256, 144, new Q4_KKernels()),
    Q5_K(13, 256, 176, new Q5_KKernels()),
    Q6_K(14, 256, 210, new Q6_KKernels()),
    Q8_K(15, 256, 292, null),
    I8(24, 1, 1, null),
    I16(25, 1, 2, null),
    I32(26, 1, 4, null),
    I64(27, 1, 8, null),
    F64(28, 1, 8, null),
    BF16(30, 1, 2, new BF16Kernels());

    public final int id;
    public final int blockSize;
    public final int blockBytes;
    private final WeightKernels kernels;

    WeightType(int id, int blockSize, int blockBytes, WeightKernels kernels) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.kernels = kernels;
    }

    public static WeightType byId(int id) {
        for (WeightType t : values()) if (t.id == id) return t;
        return null;
    }

    public boolean hasKernels() { return kernels != null; }

    /** The kernels of this type; callers check {@link #hasKernels()} when loading a model. */
    public WeightKernels kernels() {
        if (kernels == null) throw new UnsupportedOperationException("weight type " + this + " is not supported yet");
        return kernels;
    }

    /** Bytes used by {@code elements} values (a multiple of the block size). */
    public long bytesFor(long elements) {
        return elements / blockSize * blockBytes;
    }
}
