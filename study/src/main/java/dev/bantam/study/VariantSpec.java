package dev.bantam.study;

import java.util.Locale;

/**
 * One backend at one precision: {@code cpu} with a GGUF weight type ({@code f32}, {@code q4_k}),
 * an ONNX Runtime backend with its export precision ({@code fp32}, {@code int8}), or the
 * {@code openai} backend, which measures a server at {@code url} serving {@code name}.
 */
public record VariantSpec(String backend, String type, String url, String name) {
    public static final String OPENAI = "openai";

    public VariantSpec {
        if (backend == null || backend.isBlank()) throw new IllegalArgumentException("a backend entry needs \"backend\"");
        if (type != null) type = type.toLowerCase(Locale.ROOT);
        if (OPENAI.equals(backend) && (url == null || url.isBlank())) throw new IllegalArgumentException("backend openai needs \"url\" (e.g. http://localhost:8080)");
    }

    public static VariantSpec of(String backend, String type) {
        return new VariantSpec(backend, type, null, null);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isOpenAi() { return OPENAI.equals(backend); }

    /** The label used in tables and raw lines: {@code cpu/q8_0}, {@code onnx-cpu/int8}, {@code openai/NAME}. */
    public String label() {
        if (isOpenAi()) return backend + "/" + (name != null ? name : "server");
        return type == null ? backend : backend + "/" + type;
    }
}
