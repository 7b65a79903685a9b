package dev.bantam.convert.hf;

import dev.bantam.convert.RowSource;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.MemorySegment;

/**
 * One tensor of the GGUF file being written: its GGUF name and shape ({@code ne}, innermost
 * first), the type of its source values, and how to produce its rows.
 *
 * @param source      the Hugging Face tensor it comes from ("" for a computed one)
 * @param sourceType  F32, F16 or BF16: the checkpoint's dtype (F32 for computed tensors)
 * @param rows        GGUF row r as float32 ({@code ne[0]} values)
 * @param verbatim    the source bytes when they can be copied as they are (no transform, same type); else null
 */
public record PlannedTensor(String name, String source, long[] ne, WeightType sourceType, RowSource rows, MemorySegment verbatim) {
    public long elements() {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }

    public int rowCount() {
        return Math.toIntExact(elements() / ne[0]);
    }

    public int cols() {
        return Math.toIntExact(ne[0]);
    }
}
