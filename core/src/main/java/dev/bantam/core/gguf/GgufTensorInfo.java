package dev.bantam.core.gguf;

import dev.bantam.core.tensor.WeightType;

/** A tensor's entry in the GGUF header: where its bytes are relative to the data section. */
public record GgufTensorInfo(String name, long[] shape, WeightType type, long offset, long byteSize) {
    public long elements() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
