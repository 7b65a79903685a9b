package dev.bantam.cli;

import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.tensor.WeightType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses a weight type name as users write it (q4_k, Q4_K, q8_0, f16, ...). */
final class WeightTypes {
    private WeightTypes() {}

    static WeightType parse(String name, String option) {
        String upper = name.toUpperCase(Locale.ROOT).replace("_M", "").replace("_S", "");
        for (WeightType t : WeightType.values()) {
            if (t.name().equals(upper) && Kernels.supports(t)) return t;
        }
        throw new UsageException("%s: unknown or unsupported weight type '%s' (supported: %s)".formatted(option, name, supported()));
    }

    static String supported() {
        return Arrays.stream(WeightType.values()).filter(Kernels::supports)
                .map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
