package dev.bantam.core.gguf;

import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes a copy of a GGUF file with every tensor as F32: the reference against which a quantized
 * file's results are compared (same weights, no quantized arithmetic).
 */
public final class GgufDequantizer {
    private GgufDequantizer() {}

    public static void toF32(GgufFile in, Path out) throws IOException {
        GgufWriter writer = new GgufWriter().putAll(in.metadata());
        writer.put("general.file_type", GgufValue.ofU32(0));
        try (Arena arena = Arena.ofConfined()) {
            for (GgufTensorInfo info : in.tensorInfos()) {
                TensorView t = in.tensor(info.name());
                float[] values = Kernels.toFloatArray(t);
                MemorySegment seg = arena.allocate(4L * values.length);
                MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, values.length);
                writer.addTensor(info.name(), WeightType.F32, info.shape(), seg);
            }
            writer.write(out);
        }
    }
}
