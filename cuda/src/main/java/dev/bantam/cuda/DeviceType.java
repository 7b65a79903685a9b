package dev.bantam.cuda;

import dev.bantam.core.tensor.WeightType;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The CUDA kernel table, keyed by the core's {@link WeightType}: for each weight type the backend
 * runs, its matrix-vector kernel, the row length that kernel needs a multiple of (other rows go to
 * {@code matvec_generic}: one 16-byte load of values, or whole blocks of a quantized type), and
 * the kernel that splits its blocks into the device layout (null: the file's bytes are used as
 * they are). {@code cublasType}: the cuBLAS operand type of a matrix that cuBLAS reads directly in
 * prefill; -1 means it is first dequantized to F16. {@code matvecInt8}: the kernel that multiplies
 * the weights' integer quants with the activations quantized to int8 (dp4a; matvec.cu's
 * {@code quantize_x}), used instead of {@code matvec} for up to {@link CudaForward#MATVEC_ROWS}
 * rows; null where the type keeps the float product.
 */
public record DeviceType(WeightType type, String matvec, String matvecInt8, int colsMultiple, String split, int cublasType) {
    private static final Map<WeightType, DeviceType> TABLE = new EnumMap<>(WeightType.class);

    static {
        add(new DeviceType(WeightType.F32, "matvec_f32", null, 4, null, 0));
        add(new DeviceType(WeightType.F16, "matvec_f16", null, 8, null, 2));
        add(new DeviceType(WeightType.BF16, "matvec_bf16", null, 8, null, 14));
        add(new DeviceType(WeightType.Q8_0, "matvec_q8_0", "matvec8_q8_0", WeightType.Q8_0.blockSize, "split_q8_0", -1));
        add(new DeviceType(WeightType.Q4_0, "matvec_q4_0", "matvec8_q4_0", WeightType.Q4_0.blockSize, "split_q4_0", -1));
        add(new DeviceType(WeightType.Q4_K, "matvec_q4_k", "matvec8_q4_k", WeightType.Q4_K.blockSize, null, -1));
        // blocks that are no multiple of 16 bytes, read as in the file a 32-value group a lane (matvec_groups)
        add(new DeviceType(WeightType.Q4_1, "matvec_q4_1", null, WeightType.Q4_1.blockSize, null, -1));
        add(new DeviceType(WeightType.Q5_0, "matvec_q5_0", null, WeightType.Q5_0.blockSize, null, -1));
        add(new DeviceType(WeightType.Q5_1, "matvec_q5_1", null, WeightType.Q5_1.blockSize, null, -1));
        add(new DeviceType(WeightType.Q5_K, "matvec_q5_k", null, WeightType.Q5_K.blockSize, null, -1));
        add(new DeviceType(WeightType.Q6_K, "matvec_q6_k", "matvec8_q6_k", WeightType.Q6_K.blockSize, null, -1));
    }

    private static void add(DeviceType t) {
        TABLE.put(t.type(), t);
    }

    public static Optional<DeviceType> of(WeightType type) {
        return Optional.ofNullable(TABLE.get(type));
    }

    /** "F32, F16, ..." for error messages. */
    public static String supported() {
        return TABLE.keySet().stream().map(Enum::name).collect(Collectors.joining(", "));
    }

    /**
     * The name of the {@link #matvec()} kernel for a launch of {@code batch} vectors: matvec.cu
     * compiles each twice, NAME for up to {@link CudaForward#MATVEC_ROWS} and NAME_b1 for one,
     * whose fewer registers keep more warps resident (batch-1 decode is bound by latency); F16 and
     * BF16 also NAME_b4 for two to four (64 registers against 77: 8 blocks an SM rather than 6).
     */
    String matvecKernel(int batch) {
        return batch == 1 ? matvec + "_b1" : batch <= B4 && sharesRowsInBatches() ? matvec + "_b4" : matvec;
    }

    /** The most vectors of an F16/BF16 {@code _b4} kernel. */
    static final int B4 = 4;

    /** {@link #matvecInt8()} for a launch of {@code batch} vectors, as {@link #matvecKernel}; null where the type has none. */
    String matvecInt8Kernel(int batch) {
        return matvecInt8 == null ? null : batch == 1 ? matvecInt8 + "_b1" : matvecInt8;
    }

    /**
     * Whether the {@link #matvecKernel} for several vectors shares a block's rows among its warps
     * (F16/BF16: matvec.cu's matvec_halves_shared), so that it takes split 1, four rows a block.
     */
    boolean sharesRowsInBatches() {
        return type == WeightType.F16 || type == WeightType.BF16;
    }

    /**
     * matvec.cu's batch-1 F16/BF16 kernel with a neighbour's launch folded in: {@code NAME_b1_normed} (the RMSNorm's
     * scale applied to the dot products), {@code NAME_b1_residual} (writes the next norm's input and scale) or
     * {@code NAME_b1_gated} (the gated activation as the epilogue of the [gate; up] product); only F16 and BF16 have them.
     */
    String fusedB1Kernel(String kind) {
        if (!sharesRowsInBatches()) throw new IllegalArgumentException(type + " has no fused batch-1 kernels (F16 and BF16 only)");
        return matvec + "_b1_" + kind;
    }

    /**
     * Bytes of a Q6_K super-block on the device (common.cuh's DEVICE_BYTES_Q6_K): the file's 210 padded to
     * a multiple of 16 by layout.cu's pad_q6_k, so that the int8 kernel reads 16-byte vectors.
     */
    static final int Q6_K_DEVICE_BYTES = 224;

    /** Whether the file's blocks are padded on the device ({@link #Q6_K_DEVICE_BYTES}): Q6_K. */
    boolean padded() {
        return type == WeightType.Q6_K;
    }

    /** Bytes of one block at a matrix's q in the device layout of a type without a split layout. */
    int deviceBlockBytes() {
        return padded() ? Q6_K_DEVICE_BYTES : type.blockBytes;
    }

    /** Bytes of quants in the split layout per block of {@code type.blockSize} values (Q8_0: 32, Q4_0: 16). */
    int splitQuantBytes() {
        return type.blockBytes - 2;
    }
}
