package dev.bantam.cli.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The header fields of a valid GGUF file by kind and byte offset, found by a walk of its own (not
 * the reader under test), so that mutations hit counts, types, lengths, dimensions and offsets
 * instead of mostly tensor data.
 */
final class GgufFields {
    enum Kind { COUNT, KEY_LENGTH, VALUE_TYPE, SCALAR, ARRAY_TYPE, ARRAY_LENGTH, STRING_LENGTH, STRING_BYTES, N_DIMS, DIM, TENSOR_TYPE, TENSOR_OFFSET }

    /** A field of {@code width} bytes at {@code at}; for STRING_BYTES the width is the string's length. */
    record Field(Kind kind, long at, int width) {}

    final Map<Kind, List<Field>> byKind = new EnumMap<>(Kind.class);
    long headerEnd;
    private final ByteBuffer b;
    /** Elements of an array recorded as fields: enough to reach every kind, not 100k tokens. */
    private static final int PER_ARRAY = 64;

    GgufFields(byte[] file) {
        b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.position(8);
        add(Kind.COUNT, 8);
        long tensors = b.getLong();
        add(Kind.COUNT, 8);
        long kvs = b.getLong();
        for (long i = 0; i < kvs; i++) {
            string(Kind.KEY_LENGTH);
            add(Kind.VALUE_TYPE, 4);
            value(b.getInt(), true);
        }
        for (long i = 0; i < tensors; i++) {
            string(Kind.KEY_LENGTH);
            add(Kind.N_DIMS, 4);
            int n = b.getInt();
            for (int d = 0; d < n; d++) { add(Kind.DIM, 8); b.getLong(); }
            add(Kind.TENSOR_TYPE, 4);
            b.getInt();
            add(Kind.TENSOR_OFFSET, 8);
            b.getLong();
        }
        headerEnd = b.position();
    }

    private void add(Kind k, int width) {
        byKind.computeIfAbsent(k, x -> new ArrayList<>()).add(new Field(k, b.position(), width));
    }

    private void string(Kind lengthKind) {
        add(lengthKind, 8);
        int len = (int) b.getLong();
        byKind.computeIfAbsent(Kind.STRING_BYTES, x -> new ArrayList<>()).add(new Field(Kind.STRING_BYTES, b.position(), len));
        b.position(b.position() + len);
    }

    private void value(int type, boolean record) {
        int width = switch (type) { case 0, 1, 7 -> 1; case 2, 3 -> 2; case 4, 5, 6 -> 4; case 10, 11, 12 -> 8; default -> -1; };
        if (width > 0) {
            if (record) add(Kind.SCALAR, width);
            b.position(b.position() + width);
        } else if (type == 8) {
            if (record) string(Kind.STRING_LENGTH);
            else b.position(b.position() + 8 + (int) b.getLong());
        } else if (type == 9) {
            add(Kind.ARRAY_TYPE, 4);
            int et = b.getInt();
            add(Kind.ARRAY_LENGTH, 8);
            long n = b.getLong();
            for (long i = 0; i < n; i++) value(et, i < PER_ARRAY);
        } else {
            throw new IllegalArgumentException("not a valid seed: value type " + type);
        }
    }
}
