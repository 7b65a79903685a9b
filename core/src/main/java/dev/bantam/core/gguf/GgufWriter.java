package dev.bantam.core.gguf;

import dev.bantam.core.tensor.WeightType;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3: metadata in insertion order, then tensor infos, then the aligned data section.
 * Tensor bytes are streamed from their segments (usually another mapped file), so a model is
 * never held in the heap.
 */
public final class GgufWriter {
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Entry> tensors = new ArrayList<>();

    private record Entry(String name, WeightType type, long[] shape, TensorData data) {}

    /**
     * A tensor's bytes, produced when the file is written: a segment of another file, or rows
     * computed on the fly (quantization, random weights), so nothing needs the whole model in memory.
     */
    public interface TensorData {
        long byteSize();

        void writeTo(OutputStream out) throws IOException;

        static TensorData of(MemorySegment segment) {
            return new TensorData() {
                @Override public long byteSize() { return segment.byteSize(); }
                @Override public void writeTo(OutputStream out) throws IOException { copy(segment, out); }
            };
        }
    }

    /** Told how many tensor bytes are written so far (after each chunk): progress for long conversions. */
    public interface Progress {
        void update(long bytesWritten, long totalBytes, String tensor);
    }

    private Progress progress = (done, total, name) -> {};

    public GgufWriter onProgress(Progress progress) {
        this.progress = progress;
        return this;
    }

    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putAll(GgufMetadata source) {
        metadata.putAll(source.asMap());
        return this;
    }

    /** Adds a tensor; {@code data} must hold exactly the bytes its type and shape take. */
    public GgufWriter addTensor(String name, WeightType type, long[] shape, MemorySegment data) {
        return addTensor(name, type, shape, TensorData.of(data));
    }

    /** Adds a tensor whose bytes are produced at write time. */
    public GgufWriter addTensor(String name, WeightType type, long[] shape, TensorData data) {
        long elements = 1;
        for (long d : shape) elements *= d;
        if (shape.length == 0 || shape.length > 4 || shape[0] % type.blockSize != 0 || data.byteSize() != type.bytesFor(elements)) {
            throw new IllegalArgumentException("tensor %s: %d bytes do not match type %s and shape %s"
                    .formatted(name, data.byteSize(), type, java.util.Arrays.toString(shape)));
        }
        tensors.add(new Entry(name, type, shape.clone(), data));
        return this;
    }

    private int alignment() {
        GgufValue a = metadata.get("general.alignment");
        // a non-integer alignment is written as given (tests make such files); the reader refuses it
        return a == null || !GgufMetadata.isInteger(a.type()) ? GgufFile.DEFAULT_ALIGNMENT : (int) a.asLong();
    }

    /** Writes the file to a temporary name beside {@code out} and moves it into place when complete. */
    public void write(Path out) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".partial");
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            write(os);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public void write(OutputStream raw) throws IOException {
        var out = new LittleEndianOutput(raw);
        int alignment = alignment();
        out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (var kv : metadata.entrySet()) {
            out.string(kv.getKey());
            out.u32(kv.getValue().type().id);
            writeValue(out, kv.getValue().type(), kv.getValue().value());
        }
        long offset = 0;
        for (Entry t : tensors) {
            out.string(t.name);
            out.u32(t.shape.length);
            for (long d : t.shape) out.u64(d);
            out.u32(t.type.id);
            out.u64(offset);
            offset = GgufHeaderParser.alignUp(offset + t.data.byteSize(), alignment);
        }
        out.pad(alignment);
        long dataStart = out.position, total = offset;
        for (Entry t : tensors) {
            long before = out.position;
            t.data.writeTo(out.counting(() -> progress.update(out.position - dataStart, total, t.name)));
            if (out.position - before != t.data.byteSize()) {
                throw new IllegalStateException("tensor %s wrote %d bytes, expected %d".formatted(t.name, out.position - before, t.data.byteSize()));
            }
            out.pad(alignment);
            progress.update(out.position - dataStart, total, t.name);
        }
        out.flush();
    }

    private static void copy(MemorySegment s, OutputStream out) throws IOException {
        byte[] chunk = new byte[1 << 20];
        for (long off = 0; off < s.byteSize(); off += chunk.length) {
            int n = (int) Math.min(chunk.length, s.byteSize() - off);
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    private static void writeValue(LittleEndianOutput out, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8, INT8 -> out.u8((Byte) v);
            case UINT16, INT16 -> out.u16((Short) v);
            case UINT32, INT32 -> out.u32((Integer) v);
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) v));
            case BOOL -> out.u8((Boolean) v ? 1 : 0);
            case STRING -> out.string((String) v);
            case UINT64, INT64 -> out.u64((Long) v);
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) v));
            case ARRAY -> writeArray(out, (GgufValue.GgufArray) v);
        }
    }

    private static void writeArray(LittleEndianOutput out, GgufValue.GgufArray a) throws IOException {
        out.u32(a.elementType().id);
        int n = a.length();
        out.u64(n);
        for (int i = 0; i < n; i++) writeValue(out, a.elementType(), java.lang.reflect.Array.get(a.elements(), i));
    }

    /** Little-endian primitives with a running position, for alignment padding. */
    private static final class LittleEndianOutput {
        private final OutputStream out;
        private final byte[] buf = new byte[8];
        private long position;

        LittleEndianOutput(OutputStream out) { this.out = out; }

        void u8(int v) throws IOException { out.write(v); position++; }
        void u16(int v) throws IOException { le(v, 2); }
        void u32(int v) throws IOException { le(v, 4); }
        void u64(long v) throws IOException { le(v, 8); }

        private void le(long v, int n) throws IOException {
            for (int i = 0; i < n; i++) buf[i] = (byte) (v >>> (8 * i));
            out.write(buf, 0, n);
            position += n;
        }

        void bytes(byte[] b) throws IOException { out.write(b); position += b.length; }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        /** The underlying stream, counting what passes through it and calling {@code afterChunk} after each block write. */
        OutputStream counting(Runnable afterChunk) {
            return new OutputStream() {
                @Override public void write(int b) throws IOException { out.write(b); position++; }
                @Override public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    position += len;
                    afterChunk.run();
                }
            };
        }

        void pad(int alignment) throws IOException {
            while (position % alignment != 0) u8(0);
        }

        void flush() throws IOException { out.flush(); }
    }
}
