package dev.bantam.cli.fuzz;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware mutations of a valid GGUF file: boundary values in counts, lengths, dimensions,
 * offsets and type ids; hostile bytes in strings (control characters, bad UTF-8, a byte token
 * {@code <0xG1>}, a merge without its space); truncation; and, through the writer, a metadata
 * value replaced by one of another type or a huge number, or a tensor given another type.
 */
final class Mutator {
    private static final long[] BOUNDARY = {0, 1, 2, 3, 7, -1, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 2_000_000, 65_536,
            1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 0x7fff_ffff_ffff_fff0L, 32, 33, 1000};

    private final Path seed;
    private final byte[] bytes;
    private final GgufFields fields;
    private final List<String> keys = new ArrayList<>();
    private final List<GgufTensorInfo> tensors;

    Mutator(Path seed, byte[] bytes) throws IOException {
        this.seed = seed;
        this.bytes = bytes;
        this.fields = new GgufFields(bytes);
        try (GgufFile f = GgufFile.open(seed)) {
            keys.addAll(f.metadata().asMap().keySet());
            tensors = List.copyOf(f.tensorInfos());
        }
    }

    /** A mutator of GGUF bytes that are not a file yet (the tokenizer header inside an ONNX file). */
    static Mutator ofGgufBytes(byte[] bytes) throws IOException {
        Path p = java.nio.file.Files.createTempFile("seed", ".gguf");
        p.toFile().deleteOnExit();
        java.nio.file.Files.write(p, bytes);
        return new Mutator(p, bytes);
    }

    /** Writes one mutant to {@code out}; returns a short description of what was changed. */
    String mutate(Random r, Path out) throws IOException {
        int op = r.nextInt(10);
        if (op < 2) return retype(r, out);
        byte[] m = bytes.clone();
        String what;
        if (op == 2) {
            int cut = r.nextBoolean() ? r.nextInt((int) Math.min(m.length, fields.headerEnd + 64)) : r.nextInt(m.length);
            m = java.util.Arrays.copyOf(m, cut);
            what = "truncate at " + cut;
        } else if (op == 3) {
            int n = 1 + r.nextInt(8);
            for (int i = 0; i < n; i++) m[r.nextInt((int) fields.headerEnd)] = (byte) r.nextInt(256);
            what = n + " random header bytes";
        } else {
            var kinds = new ArrayList<>(fields.byKind.keySet());
            var kind = kinds.get(r.nextInt(kinds.size()));
            var list = fields.byKind.get(kind);
            GgufFields.Field f = list.get(r.nextInt(list.size()));
            what = kind + "@" + f.at() + ": " + field(r, m, f);
        }
        java.nio.file.Files.write(out, m);
        return what;
    }

    private String field(Random r, byte[] m, GgufFields.Field f) {
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) f.at();
        if (f.kind() == GgufFields.Kind.STRING_BYTES) {
            if (f.width() == 0) return "empty string";
            int i = at + r.nextInt(f.width());
            String s = new String(m, at, f.width(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int hex = s.indexOf("<0x");
            if (hex >= 0 && r.nextBoolean()) { m[at + hex + 3] = 'G'; return "byte token made <0xG.>"; }
            int sp = s.indexOf(' ');
            if (sp >= 0 && r.nextBoolean()) { m[at + sp] = 'X'; return "space removed"; }
            byte v = new byte[] {0, '\n', 0x1b, (byte) 0xff, (byte) 0xc3, '\r', 0x7f}[r.nextInt(7)];
            m[i] = v;
            return "string byte " + v;
        }
        long v;
        if (f.kind() == GgufFields.Kind.VALUE_TYPE || f.kind() == GgufFields.Kind.ARRAY_TYPE) v = r.nextInt(16);
        else if (f.kind() == GgufFields.Kind.TENSOR_TYPE) v = r.nextInt(42);
        else if (r.nextInt(4) == 0) {
            long old = f.width() == 8 ? b.getLong(at) : f.width() == 4 ? b.getInt(at) : f.width() == 2 ? b.getShort(at) : m[at];
            v = old + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(64));
        } else v = BOUNDARY[r.nextInt(BOUNDARY.length)];
        switch (f.width()) {
            case 8 -> b.putLong(at, v);
            case 4 -> b.putInt(at, (int) v);
            case 2 -> b.putShort(at, (short) v);
            default -> m[at] = (byte) v;
        }
        return "= " + v;
    }

    /** Through the writer: one metadata value of another type or size, or one tensor of another type. */
    private String retype(Random r, Path out) throws IOException {
        try (GgufFile in = GgufFile.open(seed); Arena arena = Arena.ofConfined()) {
            GgufWriter w = new GgufWriter().putAll(in.metadata());
            String what;
            String retyped = null;
            WeightType newType = null;
            if (tensors.isEmpty() || r.nextBoolean()) {
                String key = keys.get(r.nextInt(keys.size()));
                GgufValue v = switch (r.nextInt(9)) {
                    case 0 -> GgufValue.ofF32(r.nextFloat() * 100);
                    case 1 -> GgufValue.of("x\n\u0000\u001b[2J" + "y".repeat(r.nextInt(3) * 100_000));
                    case 2 -> GgufValue.ofU64(-1L);
                    case 3 -> GgufValue.ofI32(-1);
                    case 4 -> GgufValue.ofU32(0);
                    case 5 -> GgufValue.ofBool(true);
                    case 6 -> GgufValue.ofU32(2_000_000);
                    case 7 -> GgufValue.ofU32(Integer.MAX_VALUE);
                    default -> GgufValue.ofArray(new GgufValue.GgufArray(dev.bantam.core.gguf.GgufValueType.FLOAT32, new float[3]));
                };
                w.put(key, v);
                what = "metadata " + key + " := " + v.type() + " " + v.display();
            } else {
                retyped = tensors.get(r.nextInt(tensors.size())).name();
                WeightType[] types = {WeightType.I8, WeightType.F16, WeightType.F32, WeightType.Q8_0, WeightType.Q4_0, WeightType.BF16, WeightType.Q6_K};
                newType = types[r.nextInt(types.length)];
                what = "tensor " + retyped + " := " + newType;
            }
            for (GgufTensorInfo t : in.tensorInfos()) {
                if (t.name().equals(retyped) && t.shape()[0] % newType.blockSize == 0) {
                    w.addTensor(t.name(), newType, t.shape(), arena.allocate(newType.bytesFor(t.elements())));
                } else {
                    w.addTensor(t.name(), t.type(), t.shape(), in.tensor(t.name()).data());
                }
            }
            w.write(out);
            return what;
        }
    }
}
