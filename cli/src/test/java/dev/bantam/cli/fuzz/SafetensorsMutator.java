package dev.bantam.cli.fuzz;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

/**
 * Mutations of a safetensors file: its JSON header through {@link JsonMutator} (mostly a tensor's
 * dtype, shape or data_offsets: objects for shapes, 1-D matrices, negative and overflowing
 * offsets, unknown dtypes, duplicate names, bytes that are not UTF-8), the 8-byte header length
 * (0, negative, past the end of the file, huge), a header padded close to the size cap, or the
 * file cut short. The data section is kept as it is.
 */
final class SafetensorsMutator {
    private static final Set<String> TENSOR_FIELDS = Set.of("dtype", "shape", "data_offsets");

    private final JsonMutator header;
    private final byte[] data;

    SafetensorsMutator(byte[] file) throws IOException {
        long length = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        header = new JsonMutator(Arrays.copyOfRange(file, 8, 8 + (int) length), 100_000);
        data = Arrays.copyOfRange(file, 8 + (int) length, file.length);
    }

    record Result(byte[] bytes, String what) {}

    Result mutate(Random r) throws IOException {
        int op = r.nextInt(20);
        if (op < 15) {
            JsonMutator.Mutant m = header.mutate(r, s -> s.depth() >= 1 && s.depth() <= 2
                    && (s.key() == null || TENSOR_FIELDS.contains(s.key())));
            return new Result(file(m.bytes(), data), "header " + m.what());
        }
        byte[] h = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(header.root());
        byte[] f = file(h, data);
        if (op < 17) {
            long total = f.length;
            long[] lengths = {0, -1, 1, 7, h.length - 1, h.length + 1, total - 8, total - 7, total, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE,
                    (100L << 20) + 1, Integer.MAX_VALUE};
            long v = lengths[r.nextInt(lengths.length)];
            ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
            return new Result(f, "header length := " + v);
        }
        if (op < 19) {
            int cut = r.nextBoolean() ? r.nextInt(Math.min(f.length, 8 + h.length + 16)) : r.nextInt(f.length);
            return new Result(Arrays.copyOf(f, cut), "cut at " + cut);
        }
        // a header that is mostly padding, close to the 100 MB cap: must be read without exhausting the heap
        int pad = r.nextBoolean() ? (99 << 20) : (8 << 20);
        byte[] padded = new byte[h.length + pad];
        System.arraycopy(h, 0, padded, 0, h.length);
        Arrays.fill(padded, h.length, padded.length, (byte) ' ');
        return new Result(file(padded, data), "header padded by " + pad + " spaces");
    }

    static byte[] file(byte[] header, byte[] data) {
        byte[] out = new byte[8 + header.length + data.length];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        System.arraycopy(header, 0, out, 8, header.length);
        System.arraycopy(data, 0, out, 8 + header.length, data.length);
        return out;
    }


}
