package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file: an 8-byte little-endian header length, the JSON header
 * ({@code name → {dtype, shape, data_offsets}} plus {@code __metadata__}), padded with spaces to a
 * multiple of 8 as the reference implementation does, then each tensor's bytes. Shapes are known
 * before any value, so the header goes first and each tensor's values are computed (dequantized)
 * only when its turn comes: one tensor in memory at a time, whatever the model's size.
 */
public final class SafetensorsWriter {
    /** Computes a tensor's float32 values, row-major in PyTorch's shape order, when it is written. */
    public interface Values {
        float[] get() throws IOException;
    }

    private record Entry(String name, long[] shape, Values values) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final HfDtype dtype;
    private final List<Entry> entries = new ArrayList<>();

    public SafetensorsWriter(HfDtype dtype) {
        this.dtype = dtype;
    }

    public SafetensorsWriter add(String name, long[] shape, Values values) {
        entries.add(new Entry(name, shape.clone(), values));
        return this;
    }

    /** Writes the file; returns its size in bytes. */
    public long write(Path file) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (Entry e : entries) {
            long end = offset + e.elements() * dtype.bytes;
            header.put(e.name, Map.of("dtype", dtype.safetensors, "shape", e.shape, "data_offsets", new long[] {offset, end}));
            offset = end;
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (head.hasRemaining()) ch.write(head);
            for (Entry e : entries) {
                float[] v = e.values.get();
                if (v.length != e.elements()) {
                    throw new IllegalStateException("%s: %d values for shape %s".formatted(e.name, v.length, java.util.Arrays.toString(e.shape)));
                }
                ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(v.length, dtype.bytes)).order(ByteOrder.LITTLE_ENDIAN);
                dtype.put(v, buf);
                buf.flip();
                while (buf.hasRemaining()) ch.write(buf);
            }
            return ch.size();
        }
    }

}
