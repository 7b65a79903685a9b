package dev.bantam.study;

import dev.bantam.core.backend.InferenceBackend;

import java.util.ArrayList;
import java.util.List;

/**
 * The backends a study measures when its spec names none: every available backend of the SPI,
 * each at its usual precisions. Backends that take an export precision (ONNX Runtime) run
 * fp32/fp16/int8 exports of the f32 weights; the torch backends bf16 (f32 without a GPU) exports
 * of them; the others run GGUF weight types.
 */
public final class DefaultVariants {
    private DefaultVariants() {}

    public static final List<String> WEIGHT_TYPES = List.of("f32", "f16", "q8_0", "q4_k");
    public static final List<String> EXPORT_PRECISIONS = List.of("fp32", "fp16", "int8");
    static final String PRECISION_OPTION = "precision";
    /** Backends whose usual precisions are their own: PyTorch is compared at bf16, the dtype its users run on a GPU (f32 on a CPU). */
    static List<String> ownTypes(String backend) {
        return switch (backend) {
            case "torch", "torch-compiled" -> Gpu.present() ? List.of("bf16") : List.of("f32");
            default -> null;
        };
    }

    public static List<VariantSpec> available() {
        List<VariantSpec> out = new ArrayList<>();
        for (InferenceBackend b : InferenceBackend.all()) {
            if (!b.availability().available()) continue;
            // torch.compile on a CPU needs a C++ toolchain and measures little of interest: compiled runs only where there is a GPU
            if (b.id().equals("torch-compiled") && !Gpu.present()) continue;
            List<String> own = ownTypes(b.id());
            for (String t : own != null ? own : takesPrecision(b) ? EXPORT_PRECISIONS : WEIGHT_TYPES) out.add(VariantSpec.of(b.id(), t));
        }
        return out;
    }

    /** Whether {@code backend} runs exports at a precision rather than GGUF weight types. */
    static boolean takesPrecision(InferenceBackend backend) {
        return backend.backendOptions().contains(PRECISION_OPTION);
    }
}
