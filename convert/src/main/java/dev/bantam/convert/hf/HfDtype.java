package dev.bantam.convert.hf;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The floating-point types a Hugging Face export writes: the dtype names of safetensors and
 * {@code config.json}, and the rounding from float32 (round to nearest even, as PyTorch's
 * {@code .to(dtype)} does, so an export equals what torch would hold after a cast).
 */
public enum HfDtype {
    F32("F32", "float32", 4),
    F16("F16", "float16", 2),
    BF16("BF16", "bfloat16", 2);

    /** safetensors' name of the type. */
    public final String safetensors;
    /** PyTorch's name, as {@code config.json} writes it. */
    public final String torch;
    public final int bytes;

    HfDtype(String safetensors, String torch, int bytes) {
        this.safetensors = safetensors;
        this.torch = torch;
        this.bytes = bytes;
    }

    /** {@code f32}, {@code f16} or {@code bf16} (also {@code fp32}, {@code float16}, ...). */
    public static HfDtype parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> F32;
            case "f16", "fp16", "float16" -> F16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown dtype '" + s + "' (expected f32, f16 or bf16)");
        };
    }

    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** Appends {@code values} in this type, little-endian, to {@code out} (which must have room). */
    public void put(float[] values, ByteBuffer out) {
        switch (this) {
            case F32 -> { for (float v : values) out.putFloat(v); }
            case F16 -> { for (float v : values) out.putShort(Float.floatToFloat16(v)); }
            case BF16 -> { for (float v : values) out.putShort(toBf16(v)); }
        }
    }

    /** Round to nearest even on the upper 16 bits; NaN stays a (quiet) NaN instead of rounding into infinity. */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The float32 value of a bfloat16 (exact). */
    static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }
}
