package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.util.EnumMap;
import java.util.Map;

/**
 * Which kernels read each weight type: the compute half of ggml's type-traits table (the geometry
 * half is {@link WeightType}). A type missing here is known to the file readers but cannot run.
 */
public final class Kernels {
    private static final Map<WeightType, WeightKernels> BY_TYPE = new EnumMap<>(WeightType.class);

    static {
        BY_TYPE.put(WeightType.F32, new F32Kernels());
        BY_TYPE.put(WeightType.F16, new F16Kernels());
        BY_TYPE.put(WeightType.BF16, new BF16Kernels());
        BY_TYPE.put(WeightType.Q4_0, new Q4_0Kernels());
        BY_TYPE.put(WeightType.Q4_1, new Q4_1Kernels());
        BY_TYPE.put(WeightType.Q5_0, new Q5_0Kernels());
        BY_TYPE.put(WeightType.Q5_1, new Q5_1Kernels());
        BY_TYPE.put(WeightType.Q8_0, new Q8_0Kernels());
        BY_TYPE.put(WeightType.Q4_K, new Q4_KKernels());
        BY_TYPE.put(WeightType.Q5_K, new Q5_KKernels());
        BY_TYPE.put(WeightType.Q6_K, new Q6_KKernels());
    }

    private Kernels() {}

    /** Whether tensors of this type can be run; model loading checks this to fail with the tensor's name. */
    public static boolean supports(WeightType type) {
        return BY_TYPE.containsKey(type);
    }

    /** The kernels of {@code type}; callers check {@link #supports} when loading a model. */
    public static WeightKernels of(WeightType type) {
        WeightKernels k = BY_TYPE.get(type);
        if (k == null) throw new UnsupportedOperationException("weight type " + type + " is not supported yet");
        return k;
    }

    /** Dequantizes row {@code r} of a 2-D tensor into {@code out[0..cols)}. */
    public static void dequantizeRow(TensorView t, int r, float[] out) {
        of(t.type()).dequantize(t.data(), r * t.rowBytes(), out, 0, t.cols());
    }

    /** The whole tensor as float32, for tests and tools (never on the hot path). */
    public static float[] toFloatArray(TensorView t) {
        float[] out = new float[Math.toIntExact(t.elements())];
        of(t.type()).dequantize(t.data(), 0, out, 0, out.length);
        return out;
    }
}
