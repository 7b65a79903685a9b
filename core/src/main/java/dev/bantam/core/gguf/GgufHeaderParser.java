package dev.bantam.core.gguf;

import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses and validates the header of a mapped GGUF file. Every count, length and offset is
 * untrusted: each is checked against the bytes that remain before anything is allocated, so a
 * malformed file fails with a {@link GgufFormatException}, never an OutOfMemoryError.
 */
final class GgufHeaderParser {
    record Header(int version, GgufMetadata metadata, Map<String, GgufTensorInfo> tensors, long dataStart, int alignment) {}

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_ARRAY_NESTING = 8;
    private static final int MAX_DIMS = 4;

    private final String file;
    private final MemorySegment data;
    private final long size;
    private long pos;
    private String field = "magic";
    private byte[] scratch = new byte[256];

    GgufHeaderParser(String file, MemorySegment data) {
        this.file = file;
        this.data = data;
        this.size = data.byteSize();
    }

    Header parse() {
        need(4);
        if (data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0) != 0x47475546) {
            throw fail("not a GGUF file (expected magic 'GGUF')");
        }
        pos = 4;
        field = "version";
        long versionOffset = pos;
        int version = readU32();
        if (version != 3) {
            pos = versionOffset;
            throw fail("unsupported GGUF version " + Integer.toUnsignedString(version) + " (expected 3)");
        }
        field = "tensor_count";
        long tensorCount = readCount(8 + 4 + 4 + 8 + 8);
        field = "kv_count";
        long kvCount = readCount(8 + 4 + 1);

        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            field = "metadata key #" + i;
            String key = readString();
            field = "metadata " + key;
            GgufValueType type = readType();
            GgufValue value = readValue(type, 0);
            if (kv.put(key, value) != null) throw fail("duplicate metadata key");
        }
        GgufMetadata metadata = new GgufMetadata(file, kv);
        int alignment = alignmentOf(kv);

        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        long[] rawOffsets = new long[(int) tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            field = "tensor #" + i + " name";
            String name = readString();
            field = "tensor " + name;
            if (tensors.containsKey(name)) throw fail("duplicate tensor name");
            long dimsAt = pos;
            int nDims = readU32();
            if (nDims < 1 || nDims > MAX_DIMS) { pos = dimsAt; throw fail("n_dims = " + Integer.toUnsignedString(nDims) + " (expected 1..4)"); }
            long[] shape = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dimAt = pos;
                shape[d] = readU64();
                if (shape[d] <= 0 || shape[d] > size * 8) { pos = dimAt; throw fail("dimension " + d + " = " + Long.toUnsignedString(shape[d]) + " is impossible for a file of " + size + " bytes"); }
                elements = Math.multiplyHigh(elements, shape[d]) != 0 ? Long.MAX_VALUE : elements * shape[d];
                if (elements < 0 || elements > size * 8) { pos = dimAt; throw fail("element count overflows the file size"); }
            }
            long typeAt = pos;
            int typeId = readU32();
            WeightType type = WeightType.byId(typeId);
            if (type == null) { pos = typeAt; throw fail("unknown ggml type " + Integer.toUnsignedString(typeId)); }
            if (shape[0] % type.blockSize != 0) { pos = typeAt; throw fail("ne[0] = " + shape[0] + " is not a multiple of the " + type + " block size " + type.blockSize); }
            long offsetAt = pos;
            long offset = readU64();
            if (offset < 0 || offset % alignment != 0) { pos = offsetAt; throw fail("offset 0x" + Long.toHexString(offset) + " is not a multiple of the alignment " + alignment); }
            rawOffsets[i] = offsetAt;
            tensors.put(name, new GgufTensorInfo(name, shape, type, offset, type.bytesFor(elements)));
        }
        long dataStart = alignUp(pos, alignment);
        if (tensorCount > 0 && dataStart > size) { field = "data section"; throw fail("starts past the end of the file (size 0x" + Long.toHexString(size) + ")"); }
        int i = 0;
        for (GgufTensorInfo t : tensors.values()) {
            long end = dataStart + t.offset() + t.byteSize();
            if (t.offset() > size || end < 0 || end > size) {
                field = "tensor " + t.name() + " data";
                pos = rawOffsets[i];
                throw fail("0x%x..0x%x lies past the end of the file (size 0x%x)".formatted(dataStart + t.offset(), end, size));
            }
            i++;
        }
        return new Header(version, metadata, tensors, dataStart, alignment);
    }

    private int alignmentOf(Map<String, GgufValue> kv) {
        GgufValue a = kv.get("general.alignment");
        if (a == null) return GgufFile.DEFAULT_ALIGNMENT;
        field = "metadata general.alignment";
        if (!GgufMetadata.isInteger(a.type())) throw fail("has type " + a.type() + ", expected an integer (UINT32)");
        long v = a.asLong();
        if (v <= 0 || v > (1 << 20) || Long.bitCount(v) != 1) throw fail("alignment " + a.display() + " is not a power of two");
        return (int) v;
    }

    static long alignUp(long x, long alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private GgufValueType readType() {
        long at = pos;
        int id = readU32();
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) { pos = at; throw fail("unknown value type " + Integer.toUnsignedString(id)); }
        return type;
    }

    private GgufValue readValue(GgufValueType type, int depth) {
        Object v = switch (type) {
            case UINT8, INT8 -> { need(1); yield data.get(ValueLayout.JAVA_BYTE, pos++); }
            case UINT16, INT16 -> { need(2); short s = data.get(U16, pos); pos += 2; yield s; }
            case UINT32, INT32 -> readU32();
            case FLOAT32 -> { need(4); float f = data.get(F32, pos); pos += 4; yield f; }
            case BOOL -> {
                need(1);
                byte b = data.get(ValueLayout.JAVA_BYTE, pos);
                if (b != 0 && b != 1) throw fail("bool value " + b + " (expected 0 or 1)");
                pos++;
                yield b == 1;
            }
            case STRING -> readString();
            case UINT64, INT64 -> readU64();
            case FLOAT64 -> { need(8); double d = data.get(F64, pos); pos += 8; yield d; }
            case ARRAY -> readArray(depth);
        };
        return new GgufValue(type, v);
    }

    private GgufValue.GgufArray readArray(int depth) {
        if (depth >= MAX_ARRAY_NESTING) throw fail("arrays nested deeper than " + MAX_ARRAY_NESTING);
        GgufValueType elementType = readType();
        int n = (int) readCount(elementType.minimumSize());
        Object elements = switch (elementType) {
            case UINT8, INT8 -> { byte[] a = new byte[n]; MemorySegment.copy(data, ValueLayout.JAVA_BYTE, pos, a, 0, n); pos += n; yield a; }
            case BOOL -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = (Boolean) readValue(elementType, depth).value(); yield a; }
            case UINT16, INT16 -> { short[] a = new short[n]; MemorySegment.copy(data, U16, pos, a, 0, n); pos += 2L * n; yield a; }
            case UINT32, INT32 -> { int[] a = new int[n]; MemorySegment.copy(data, U32, pos, a, 0, n); pos += 4L * n; yield a; }
            case FLOAT32 -> { float[] a = new float[n]; MemorySegment.copy(data, F32, pos, a, 0, n); pos += 4L * n; yield a; }
            case UINT64, INT64 -> { long[] a = new long[n]; MemorySegment.copy(data, U64, pos, a, 0, n); pos += 8L * n; yield a; }
            case FLOAT64 -> { double[] a = new double[n]; MemorySegment.copy(data, F64, pos, a, 0, n); pos += 8L * n; yield a; }
            case STRING -> { String[] a = new String[n]; for (int i = 0; i < n; i++) a[i] = readString(); yield a; }
            case ARRAY -> { var a = new GgufValue.GgufArray[n]; for (int i = 0; i < n; i++) a[i] = readArray(depth + 1); yield a; }
        };
        return new GgufValue.GgufArray(elementType, elements);
    }

    /** Reads a u64 count and checks that that many items of at least {@code minItemBytes} fit in the file. */
    private long readCount(int minItemBytes) {
        long at = pos;
        long n = readU64();
        long remaining = size - pos;
        if (n < 0 || n > Integer.MAX_VALUE - 8 || (minItemBytes > 0 && n > remaining / minItemBytes)) {
            pos = at;
            throw fail("count " + Long.toUnsignedString(n) + " cannot fit in the " + remaining + " bytes that remain");
        }
        return n;
    }

    private String readString() {
        long at = pos;
        long len = readU64();
        if (len < 0 || len > size - pos || len > Integer.MAX_VALUE - 8) {
            pos = at;
            throw fail("string length " + Long.toUnsignedString(len) + " runs past the end of the file (size " + size + ")");
        }
        // Invalid UTF-8 (seen in byte tokens of some vocabularies) decodes with replacement, as llama.cpp tolerates it.
        // through one reused buffer: a vocabulary is hundreds of thousands of short strings
        if (len > scratch.length) scratch = new byte[(int) Math.max(len, 2L * scratch.length)];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, pos, scratch, 0, (int) len);
        String s = new String(scratch, 0, (int) len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    private int readU32() {
        need(4);
        int v = data.get(U32, pos);
        pos += 4;
        return v;
    }

    private long readU64() {
        need(8);
        long v = data.get(U64, pos);
        pos += 8;
        return v;
    }

    private void need(long bytes) {
        if (pos + bytes > size) throw fail("file is truncated (needs " + bytes + " more bytes, file size " + size + ")");
    }

    private GgufFormatException fail(String problem) {
        return GgufFormatException.at(file, field, pos, problem);
    }
}
