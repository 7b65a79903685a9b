package dev.bantam.core.cpu;

import java.util.Locale;

/**
 * Which weights the CPU engine rewrites at load into a layout its decode kernels read faster,
 * chosen by {@code -Dbantam.repack}: {@code none} (the default) or {@code q6_k}, which copies
 * every Q6_K matrix into int8 levels with a float scale per 16 values
 * ({@link dev.bantam.core.kernels.Q6_KRepack}). The copy takes 10 bits a value against Q6_K's
 * 6.5625 (+52% for those tensors, off the heap, beside the mapped file) and a parallel pass over
 * them at load; the file itself is only read. The copy counts against the JVM's direct-memory
 * limit ({@code -XX:MaxDirectMemorySize}, by default the maximum heap).
 */
public enum Repack {
    NONE,
    Q6_K;

    public static final String PROPERTY = "bantam.repack";

    /** The choice of {@code -Dbantam.repack}; a value it does not know fails with one line naming the property. */
    public static Repack fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, ""));
    }

    static Repack parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "", "none" -> NONE;
            case "q6_k" -> Q6_K;
            default -> throw new IllegalArgumentException("-D%s: unknown value '%s' (expected q6_k, or none)".formatted(PROPERTY, value));
        };
    }
}
