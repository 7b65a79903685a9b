package dev.bantam.core.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The weight types whose stored rows multiply {@link Int8Activations} in integer arithmetic, as
 * llama.cpp's vec_dot kernels do: a second entry in a type's row of the kernel table, which
 * {@link MatMul#matvec} takes where the type has it.
 */
public interface Int8Dot {
    /** Dot product of the {@code x.length()} stored values at byte {@code offset} with the quantized activations. */
    float dot(MemorySegment w, long offset, Int8Activations x);
}
