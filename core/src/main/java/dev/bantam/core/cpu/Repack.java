package dev.bantam.core.cpu;

import dev.bantam.core.tensor.WeightType;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which weight types the CPU engine rewrites at load into a layout its decode kernels read
 * faster, chosen by {@code -Dbantam.repack}: {@code none} (the default), or {@code q6_k},
 * {@code q4_k} or both as a comma list ({@code q6_k,q4_k}).
 * <ul>
 * <li>{@code q6_k} copies every Q6_K matrix into int8 levels with a float scale per 16 values
 * ({@link dev.bantam.core.kernels.Q6_KRepack}): 10 bits a value against 6.5625 (+52% for those
 * tensors).
 * <li>{@code q4_k} copies every Q4_K matrix with its scales apart: per 32 values the floats d·sc
 * and dmin·mn beside the unchanged nibbles ({@link dev.bantam.core.kernels.Q4_KRepack}), 6 bits
 * a value against 4.5 (+33%).
 * </ul>
 * The copies are off the heap, beside the mapped file, which is only read; they take a parallel
 * pass at load and count against the JVM's direct-memory limit ({@code -XX:MaxDirectMemorySize},
 * by default the maximum heap).
 *
 * @param types the weight types repacked
 */
public record Repack(Set<WeightType> types) {
    public static final String PROPERTY = "bantam.repack";
    public static final Repack NONE = new Repack(Set.of());
    public static final Repack Q6_K = new Repack(Set.of(WeightType.Q6_K));
    public static final Repack Q4_K = new Repack(Set.of(WeightType.Q4_K));

    public Repack {
        types = Set.copyOf(types);
    }

    /** Whether matrices of type {@code t} are repacked. */
    public boolean covers(WeightType t) {
        return types.contains(t);
    }

    /** The choice of {@code -Dbantam.repack}; a value it does not know fails with one line naming the property. */
    public static Repack fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, ""));
    }

    static Repack parse(String value) {
        Set<WeightType> types = EnumSet.noneOf(WeightType.class);
        for (String item : value.split(",", -1)) {
            switch (item.trim().toLowerCase(Locale.ROOT)) {
                case "", "none" -> { }
                case "q6_k" -> types.add(WeightType.Q6_K);
                case "q4_k" -> types.add(WeightType.Q4_K);
                default -> throw new IllegalArgumentException(
                        "-D%s: unknown value '%s' (expected q6_k, q4_k, a comma list of them, or none)".formatted(PROPERTY, item.trim()));
            }
        }
        return new Repack(types);
    }
}
