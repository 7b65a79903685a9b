package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.convert.SafetensorsFile.Dtype;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes safetensors files (and sharded checkpoints) for tests, the way the safetensors library lays them out. */
final class SafetensorsTestWriter {
    record Entry(String name, Dtype dtype, long[] shape, float[] values) {}

    private final List<Entry> entries = new ArrayList<>();

    SafetensorsTestWriter add(String name, Dtype dtype, long[] shape, float[] values) {
        entries.add(new Entry(name, dtype, shape, values));
        return this;
    }

    List<Entry> entries() { return entries; }

    void write(Path file) throws IOException {
        write(file, entries);
    }

    /** {@code shards} files {@code model-0000i-of-0000n.safetensors} plus {@code model.safetensors.index.json}. */
    void writeSharded(Path dir, int shards) throws IOException {
        Map<String, String> weightMap = new LinkedHashMap<>();
        int per = (entries.size() + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            String file = "model-%05d-of-%05d.safetensors".formatted(s + 1, shards);
            List<Entry> part = entries.subList(Math.min(entries.size(), s * per), Math.min(entries.size(), (s + 1) * per));
            write(dir.resolve(file), part);
            part.forEach(e -> weightMap.put(e.name(), file));
        }
        ObjectNode index = new ObjectMapper().createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toPrettyString());
    }

    static void write(Path file, List<Entry> entries) throws IOException {
        ObjectNode header = new ObjectMapper().createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Entry e : entries) {
            ByteBuffer b = ByteBuffer.allocate(e.values().length * e.dtype().bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : e.values()) {
                switch (e.dtype()) {
                    case F32 -> b.putFloat(v);
                    case F16 -> b.putShort(Float.floatToFloat16(v));
                    case BF16 -> b.putShort(bf16(v));
                }
            }
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().name());
            var shape = t.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            t.putArray("data_offsets").add(data.size()).add(data.size() + b.capacity());
            data.writeBytes(b.array());
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the library pads the header with spaces to 8 bytes
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) out.put((byte) ' ');
        out.put(data.toByteArray());
        Files.write(file, out.array());
    }

    /** Round to nearest even, as torch converts float32 to bfloat16. */
    static short bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
