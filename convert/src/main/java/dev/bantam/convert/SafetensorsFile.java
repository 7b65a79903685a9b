package dev.bantam.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.core.format.ModelFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header of
 * {@code name → {dtype, shape, data_offsets}}, then the raw tensor bytes. Checkpoints run to many
 * gigabytes, so tensors are views of the mapping, read row by row; every length and offset in the
 * header is checked against the file size before anything is read.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The safetensors reference implementation refuses headers above 100 MB; so does this. */
    private static final long MAX_HEADER = 100L << 20;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The element types this reader converts to float32. */
    public enum Dtype {
        F32(4), F16(2), BF16(2);

        public final int bytes;

        Dtype(int bytes) { this.bytes = bytes; }

        float read(MemorySegment s, long offset) {
            return switch (this) {
                case F32 -> s.get(SafetensorsFile.F32, offset);
                case F16 -> Float.float16ToFloat(s.get(U16, offset));
                case BF16 -> Float.intBitsToFloat(s.get(U16, offset) << 16);
            };
        }
    }

    /**
     * One tensor: its shape (PyTorch order, outermost first) and its bytes, row-major. A "row" is
     * the innermost dimension: {@code shape[last]} values.
     */
    public record Tensor(String name, Dtype dtype, long[] shape, MemorySegment data) {
        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        /** Values per row: the innermost dimension (1 for a scalar). */
        public int cols() {
            return shape.length == 0 ? 1 : Math.toIntExact(shape[shape.length - 1]);
        }

        public int rows() {
            return Math.toIntExact(elements() / Math.max(1, cols()));
        }

        /** Element {@code i} (row-major) as float32. */
        public float get(long i) {
            return dtype.read(data, i * dtype.bytes);
        }

        /** Row {@code r} as float32 into {@code out[0..cols)}. */
        public void row(int r, float[] out) {
            int cols = cols();
            long base = (long) r * cols * dtype.bytes;
            if (dtype == Dtype.F32) {
                MemorySegment.copy(data, F32, base, out, 0, cols);
                return;
            }
            for (int i = 0; i < cols; i++) out[i] = dtype.read(data, base + (long) i * dtype.bytes);
        }

        /** All values as float32; for the small tensors of game models and tests. */
        public float[] toFloats() {
            float[] out = new float[Math.toIntExact(elements())];
            for (int i = 0; i < out.length; i++) out[i] = get(i);
            return out;
        }
    }

    private final Path path;
    private final Arena arena;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        String name = path.getFileName().toString();
        Arena arena = Arena.ofShared(); // rows are read from the quantizer's worker threads
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IOException(name + ": not a safetensors file (shorter than its 8-byte header length)");
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength <= 0 || headerLength > size - 8 || headerLength > MAX_HEADER) {
                throw new IOException("%s: not a safetensors file (header length %d, file size %d)".formatted(name, headerLength, size));
            }
            byte[] headerBytes = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            JsonNode header;
            try {
                // strict: a name given twice is refused (Python's json would keep the last silently); parsed from the
                // bytes, so that Jackson checks their UTF-8 and a header near the cap is held once, not again as text
                header = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(headerBytes);
            } catch (IOException e) {
                throw new IOException(name + ": safetensors header is not valid JSON: "
                        + ModelFormatException.parserMessage(e.getMessage()));
            }
            if (header == null || !header.isObject()) throw new IOException(name + ": safetensors header is not a JSON object");
            MemorySegment data = file.asSlice(8 + headerLength);
            Map<String, Tensor> tensors = new TreeMap<>(); // by name, as Python's safe_open lists them
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), tensor(name, e.getKey(), e.getValue(), data));
            }
            return new SafetensorsFile(path, arena, Collections.unmodifiableMap(tensors), metadata);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Tensor tensor(String file, String name, JsonNode t, MemorySegment data) throws IOException {
        // the header's own text, escaped and cut wherever a message shows it
        String shown = ModelFormatException.quote(name);
        String dtypeName = t.path("dtype").asText("");
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new IOException("%s: tensor %s has dtype %s; supported: F32, F16, BF16".formatted(file, shown, dtypeName.isEmpty() ? "(none)" : ModelFormatException.quote(dtypeName)));
        }
        JsonNode shapeNode = t.path("shape");
        if (!shapeNode.isArray()) throw new IOException("%s: tensor %s has no shape".formatted(file, shown));
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        try {
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = shapeNode.get(i);
                if (!d.canConvertToLong() || d.asLong() < 0) throw new IOException("%s: tensor %s has shape %s".formatted(file, shown, shapeNode));
                shape[i] = d.asLong();
                count = Math.multiplyExact(count, shape[i]);
            }
            count = Math.multiplyExact(count, dtype.bytes);
        } catch (ArithmeticException e) {
            throw new IOException("%s: tensor %s has shape %s, too large".formatted(file, shown, shapeNode));
        }
        JsonNode offsets = t.path("data_offsets");
        long begin = offsets.path(0).canConvertToLong() ? offsets.path(0).asLong() : -1;
        long end = offsets.path(1).canConvertToLong() ? offsets.path(1).asLong() : -1;
        if (offsets.size() != 2 || begin < 0 || end < begin || end > data.byteSize()) {
            throw new IOException("%s: tensor %s has data offsets %s outside the data section (%d bytes)".formatted(file, shown, offsets, data.byteSize()));
        }
        if (end - begin != count) {
            throw new IOException("%s: tensor %s has %d bytes of data, its dtype %s and shape %s need %d".formatted(
                    file, name, end - begin, dtype, shapeNode, count));
        }
        return new Tensor(name, dtype, shape, data.asSlice(begin, end - begin));
    }

    public Path path() { return path; }

    public boolean has(String name) { return tensors.containsKey(name); }

    public Tensor get(String name) throws IOException {
        Tensor t = tensors.get(name);
        if (t == null) throw new IOException(path.getFileName() + ": tensor " + name + " is missing");
        return t;
    }

    /** Tensors by name (sorted). */
    public Map<String, Tensor> all() { return tensors; }

    /** The header's {@code __metadata__} strings. */
    public Map<String, String> metadata() { return metadata; }

    /** Unmaps the file; its tensors must not be read afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
