package dev.bantam.cuda;

import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernels' view of the core's {@link WeightType} table, generated so that the CUDA C side holds
 * no hand-copied ids or block sizes: {@code weight_types.cuh} defines, for each type the backend
 * runs ({@link DeviceType}), {@code T_NAME} (the GGUF id), {@code BLOCK_SIZE_NAME} (values per
 * block) and {@code BLOCK_BYTES_NAME}. The build writes it with {@link #main} before nvcc compiles
 * the PTX; at run time NVRTC is given {@link #text()} as an in-memory header of the same name. Both
 * compilers therefore see the table of the core they are built or run with.
 */
public final class WeightTypeHeader {
    /** The name the kernel sources include it by. */
    public static final String NAME = "weight_types.cuh";

    private WeightTypeHeader() {}

    public static String text() {
        StringBuilder s = new StringBuilder("""
                // Generated from dev.bantam.core.tensor.WeightType by dev.bantam.cuda.WeightTypeHeader: do not edit.
                // The weight types the cuda backend runs (DeviceType): GGUF id, values per block, bytes per block.
                #pragma once
                """);
        for (WeightType t : WeightType.values()) {
            if (DeviceType.of(t).isEmpty()) continue;
            s.append("#define T_").append(t.name()).append(' ').append(t.id).append('\n');
            s.append("#define BLOCK_SIZE_").append(t.name()).append(' ').append(t.blockSize).append('\n');
            s.append("#define BLOCK_BYTES_").append(t.name()).append(' ').append(t.blockBytes).append('\n');
        }
        return s.toString();
    }

    /**
     * Writes the header to {@code args[0]}, leaving the file untouched when it already holds this
     * text: build-ptx.sh recompiles PTX older than its headers, so an unchanged table keeps the PTX.
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        String text = text();
        if (Files.exists(out) && Files.readString(out, StandardCharsets.UTF_8).equals(text)) return;
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, text, StandardCharsets.UTF_8);
    }
}
