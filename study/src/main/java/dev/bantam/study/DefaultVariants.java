package dev.bantam.study;

import dev.bantam.core.backend.InferenceBackend;

import java.util.ArrayList;
import java.util.List;

/**
 * The backends a study measures when its spec names none: every available backend of the SPI,
 * each at its usual precisions. Backends that take an export precision (ONNX Runtime) run
 * fp32/fp16/int8 exports of the f32 weights; the others run GGUF weight types.
 */
public final class DefaultVariants {
    private DefaultVariants() {}

    public static final List<String> WEIGHT_TYPES = List.of("f32", "f16", "q8_0", "q4_k");
    public static final List<String> EXPORT_PRECISIONS = List.of("fp32", "fp16", "int8");
    static final String PRECISION_OPTION = "precision";

    public static List<VariantSpec> available() {
        List<VariantSpec> out = new ArrayList<>();
        for (InferenceBackend b : InferenceBackend.all()) {
            if (!b.availability().available()) continue;
            for (String t : takesPrecision(b) ? EXPORT_PRECISIONS : WEIGHT_TYPES) out.add(VariantSpec.of(b.id(), t));
        }
        return out;
    }

    /** Whether {@code backend} runs exports at a precision rather than GGUF weight types. */
    static boolean takesPrecision(InferenceBackend backend) {
        return backend.backendOptions().contains(PRECISION_OPTION);
    }
}
