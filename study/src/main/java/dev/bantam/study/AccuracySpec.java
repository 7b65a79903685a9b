package dev.bantam.study;

import java.util.Map;

/**
 * How accuracy is measured before speed is trusted: perplexity over the first {@code windows}
 * windows of {@code ctx} tokens of {@code text} (null: the embedded Persuasion text), and the
 * agreement of every variant with {@code base}. {@code gates} maps a precision class (fp32,
 * half, 8bit, 4bit) to the largest allowed |Δppl|/ppl in percent.
 */
public record AccuracySpec(String text, int ctx, int windows, VariantSpec base, Map<String, Double> gates) {
    public static final Map<String, Double> DEFAULT_GATES = Map.of("fp32", 0.1, "half", 0.5, "8bit", 2.0, "4bit", 5.0);

    public AccuracySpec {
        if (ctx < 8) throw new IllegalArgumentException("accuracy.ctx must be >= 8, got " + ctx);
        if (windows < 1) throw new IllegalArgumentException("accuracy.windows must be >= 1, got " + windows);
        if (base == null) base = VariantSpec.of("cpu", "f32");
        gates = gates == null ? DEFAULT_GATES : Map.copyOf(gates);
        for (String k : gates.keySet()) {
            if (!DEFAULT_GATES.containsKey(k)) throw new IllegalArgumentException("accuracy.gates: unknown class '" + k + "' (expected fp32, half, 8bit, 4bit)");
        }
    }

    /** The precision class of a weight type or export precision, which picks its gate. */
    public static String precisionClass(String type) {
        if (type == null) return "fp32";
        return switch (type) {
            case "f32", "fp32" -> "fp32";
            case "f16", "bf16", "fp16" -> "half";
            case "q8_0", "int8" -> "8bit";
            default -> "4bit";
        };
    }

    /** The gate for {@code type} in percent. */
    public double gatePercent(String type) {
        String c = precisionClass(type);
        return gates.getOrDefault(c, DEFAULT_GATES.get(c));
    }
}
