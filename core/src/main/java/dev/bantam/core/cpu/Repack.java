package dev.bantam.core.cpu;

import dev.bantam.core.tensor.WeightType;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which weight types the CPU engine rewrites at load into a layout its decode kernels read
 * faster, chosen by {@code -Dbantam.repack}: {@code q6_k}, {@code q4_k}, {@code q5_k}, {@code q4_0},
 * {@code int8} or a comma list of them ({@code q6_k,q4_k,q5_k,q4_0,int8}, the default, as llama.cpp
 * repacks for its CPU kernels and multiplies int8 activations by default), or {@code none}.
 * <ul>
 * <li>{@code q6_k} copies every Q6_K matrix into int8 levels with a float scale per 16 values
 * ({@link dev.bantam.core.kernels.Q6_KRepack}): 10 bits a value against 6.5625 (+52% for those
 * tensors).
 * <li>{@code q4_k} copies every Q4_K matrix with its scales apart: per 32 values the floats d·sc
 * and dmin·mn beside the unchanged nibbles ({@link dev.bantam.core.kernels.Q4_KRepack}), 6 bits
 * a value against 4.5 (+33%).
 * <li>{@code q5_k} copies every Q5_K matrix with its scales apart as {@code q4_k} does, beside
 * the unchanged fifth bits and nibbles ({@link dev.bantam.core.kernels.Q5_KRepack}), 7 bits a
 * value against 5.5 (+27%).
 * <li>{@code q4_0} copies every Q4_0 matrix into the int8-activation layout of {@code q4_k}
 * ({@link dev.bantam.core.kernels.Q4_0Repack}), 6 bits a value against 4.5: only with
 * {@code int8}, where the CPU has it, and for rows of whole 256-value units.
 * <li>{@code int8}: where the CPU has 512-bit vectors, the {@code q4_k} and {@code q6_k} copies
 * (and {@code q4_0}'s) take layouts whose decode multiplies int8 activations in integer lanes
 * ({@link dev.bantam.core.kernels.PairedNibbleKernels}: the same bytes as {@code q4_k}'s;
 * {@link dev.bantam.core.kernels.PairedByteKernels}: 8.625 bits a value against {@code q6_k}'s 10):
 * decode quantizes each activation vector to int8 per 32 values, as llama.cpp does, and its
 * logits move by that rounding (the quantized files' rule of fixtures/README.md bounds them).
 * Without it decode multiplies float activations.
 * </ul>
 * The copies are off the heap and take a parallel pass at load ({@link Repacker}). They count
 * against the JVM's direct-memory limit ({@code -XX:MaxDirectMemorySize}, by default the maximum
 * heap) and against {@code budget}: a matrix whose copy does not fit stays in the file layout
 * (slower, not wrong) and one line on stderr says so. Once a matrix is copied its mapped pages
 * are released, unless the token embedding lookup still reads them (an output tied to it).
 *
 * @param types  the weight types repacked
 * @param budget the most bytes the copies may take in all, besides the direct-memory limit
 * @param int8   whether the copies with an int8-activation layout take it ({@code int8})
 */
public record Repack(Set<WeightType> types, long budget, boolean int8) {
    public static final String PROPERTY = "bantam.repack";
    public static final Repack NONE = new Repack(Set.of());
    public static final Repack Q6_K = new Repack(Set.of(WeightType.Q6_K));
    public static final Repack Q4_K = new Repack(Set.of(WeightType.Q4_K));
    public static final Repack Q5_K = new Repack(Set.of(WeightType.Q5_K));
    /** What {@code -Dbantam.repack} means when it is not given. */
    public static final Repack DEFAULT = new Repack(Set.of(WeightType.Q6_K, WeightType.Q4_K, WeightType.Q5_K, WeightType.Q4_0), Long.MAX_VALUE, true);

    public Repack {
        types = Set.copyOf(types);
        if (budget < 0) throw new IllegalArgumentException("repack budget must be >= 0, got " + budget);
    }

    /** {@code types} for float activations, with no budget but the direct-memory limit. */
    public Repack(Set<WeightType> types) {
        this(types, Long.MAX_VALUE, false);
    }

    /** The same choice, the copies limited to {@code bytes} in all. */
    public Repack withBudget(long bytes) {
        return new Repack(types, bytes, int8);
    }

    /** Whether matrices of type {@code t} are repacked (Q4_0 only with {@link #int8}: its copy has no float-activation layout). */
    public boolean covers(WeightType t) {
        return types.contains(t) && (t != WeightType.Q4_0 || int8);
    }

    /** The choice of {@code -Dbantam.repack}; a value it does not know fails with one line naming the property. */
    public static Repack fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        return value == null ? DEFAULT : parse(value);
    }

    static Repack parse(String value) {
        Set<WeightType> types = EnumSet.noneOf(WeightType.class);
        boolean int8 = false;
        for (String item : value.split(",", -1)) {
            switch (item.trim().toLowerCase(Locale.ROOT)) {
                case "", "none" -> { }
                case "q6_k" -> types.add(WeightType.Q6_K);
                case "q4_k" -> types.add(WeightType.Q4_K);
                case "q5_k" -> types.add(WeightType.Q5_K);
                case "q4_0" -> types.add(WeightType.Q4_0);
                case "int8" -> int8 = true;
                default -> throw new IllegalArgumentException(
                        "-D%s: unknown value '%s' (expected q6_k, q4_k, q5_k, q4_0, int8, a comma list of them, or none)".formatted(PROPERTY, item.trim()));
            }
        }
        return new Repack(types, Long.MAX_VALUE, int8);
    }

    /**
     * What one load repacked: {@code tensors} matrices, {@code copyBytes} off the heap in
     * {@code nanos}, {@code releasedBytes} of their mapped pages given back; {@code unpacked}
     * matrices of {@code unpackedBytes} (of copy) that did not fit and stay in the file layout.
     */
    public record Summary(int tensors, long copyBytes, long releasedBytes, long nanos, int unpacked, long unpackedBytes) {
        public static final Summary NONE = new Summary(0, 0, 0, 0, 0, 0);

        /** One line for a load report, or empty where nothing was to repack. */
        public String describe() {
            if (tensors == 0 && unpacked == 0) return "";
            String s = "weights repacked: %d tensors, %s off-heap in %.2f s, %s of file pages released".formatted(
                    tensors, mib(copyBytes), nanos / 1e9, mib(releasedBytes));
            return unpacked == 0 ? s : s + "; %d tensors (%s) left in the file layout".formatted(unpacked, mib(unpackedBytes));
        }

        static String mib(long bytes) {
            return bytes < 10L << 20 ? "%.2f MiB".formatted(bytes / (double) (1 << 20)) : "%d MiB".formatted(bytes >> 20);
        }
    }
}
