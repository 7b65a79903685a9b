package dev.bantam.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.onnx.proto.OnnxProto.AttributeProto;
import dev.bantam.onnx.proto.OnnxProto.GraphProto;
import dev.bantam.onnx.proto.OnnxProto.ModelProto;
import dev.bantam.onnx.proto.OnnxProto.NodeProto;
import dev.bantam.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.bantam.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.bantam.onnx.proto.OnnxProto.TensorProto;
import dev.bantam.onnx.proto.OnnxProto.TensorShapeProto;
import dev.bantam.onnx.proto.OnnxProto.TypeProto;
import dev.bantam.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds one ONNX graph: initializers (whose bytes are produced lazily, at write time, so a large
 * model is never held in memory twice), nodes with fresh value names, graph inputs and outputs.
 * {@link #write} serializes the model; initializers go to an external-data side file
 * ({@code OUT.onnx.data}) when their total exceeds the threshold (protobuf's 2 GB limit).
 */
final class GraphBuilder {
    /** ONNX element types (TensorProto.DataType). */
    enum Type {
        FLOAT(TensorProto.DataType.FLOAT, 4), FLOAT16(TensorProto.DataType.FLOAT16, 2), INT8(TensorProto.DataType.INT8, 1),
        UINT8(TensorProto.DataType.UINT8, 1), INT32(TensorProto.DataType.INT32, 4), INT64(TensorProto.DataType.INT64, 8),
        BOOL(TensorProto.DataType.BOOL, 1);

        final TensorProto.DataType proto;
        final int bytes;

        Type(TensorProto.DataType proto, int bytes) {
            this.proto = proto;
            this.bytes = bytes;
        }
    }

    /** A graph input or output dimension: a fixed size or a symbolic name. */
    record Dim(long value, String param) {
        static Dim of(long v) { return new Dim(v, null); }
        static Dim of(String p) { return new Dim(-1, p); }
    }

    private record Initializer(String name, Type type, long[] dims, Supplier<byte[]> data) {
        long bytes() {
            long n = type.bytes;
            for (long d : dims) n *= d;
            return n;
        }
    }

    /** Tensors at most this large stay inside the model file even when the rest goes external. */
    private static final long INLINE_LIMIT = 1024;
    private static final int EXTERNAL_ALIGNMENT = 4096;

    final int opset;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private final Map<String, Initializer> constants = new HashMap<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    GraphBuilder(int opset) {
        this.opset = opset;
    }

    // ---- values -------------------------------------------------------------------------------

    /** A fresh value name with the given prefix. */
    String fresh(String prefix) {
        int n = counters.merge(prefix, 1, Integer::sum);
        return n == 1 ? prefix : prefix + "_" + (n - 1);
    }

    void input(String name, Type type, Dim... shape) {
        inputs.add(valueInfo(name, type, shape));
    }

    void output(String name, Type type, Dim... shape) {
        outputs.add(valueInfo(name, type, shape));
    }

    void metadata(String key, String value) {
        metadata.put(key, value);
    }

    private static ValueInfoProto valueInfo(String name, Type type, Dim... shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Dim d : shape) {
            var dim = TensorShapeProto.Dimension.newBuilder();
            if (d.param() != null) dim.setDimParam(d.param()); else dim.setDimValue(d.value());
            s.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.proto.getNumber()).setShape(s))).build();
    }

    // ---- initializers -------------------------------------------------------------------------

    /** A weight whose bytes (little-endian, row-major) are produced when the file is written. */
    String initializer(String name, Type type, long[] dims, Supplier<byte[]> data) {
        initializers.add(new Initializer(name, type, dims.clone(), data));
        return name;
    }

    String floats(String name, Type type, long[] dims, float[] values) {
        return initializer(name, type, dims, () -> encode(values, type));
    }

    /** A small int64 constant, shared by every node that asks for the same values. */
    String ints(long... values) {
        String key = "i64:" + java.util.Arrays.toString(values);
        Initializer c = constants.get(key);
        if (c == null) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) b.putLong(v);
            byte[] bytes = b.array();
            c = new Initializer(fresh("const_i64"), Type.INT64, new long[] {values.length}, () -> bytes);
            constants.put(key, c);
            initializers.add(c);
        }
        return c.name();
    }

    /** A scalar int64 constant (rank 0). */
    String scalarInt(long value) {
        String key = "i64s:" + value;
        Initializer c = constants.get(key);
        if (c == null) {
            byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
            c = new Initializer(fresh("const_i64"), Type.INT64, new long[0], () -> bytes);
            constants.put(key, c);
            initializers.add(c);
        }
        return c.name();
    }

    /** A scalar floating-point constant of the given type (rank 0). */
    String scalar(float value, Type type) {
        String key = type + ":" + Float.floatToIntBits(value);
        Initializer c = constants.get(key);
        if (c == null) {
            byte[] bytes = encode(new float[] {value}, type);
            c = new Initializer(fresh("const_" + type.name().toLowerCase()), type, new long[0], () -> bytes);
            constants.put(key, c);
            initializers.add(c);
        }
        return c.name();
    }

    static byte[] encode(float[] values, Type type) {
        ByteBuffer b = ByteBuffer.allocate(values.length * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT -> b.asFloatBuffer().put(values);
            case FLOAT16 -> {
                for (float v : values) b.putShort(Float.floatToFloat16(v));
            }
            default -> throw new IllegalArgumentException("not a float type: " + type);
        }
        return b.array();
    }

    // ---- nodes --------------------------------------------------------------------------------

    /** One node with a single output named after its op; attributes as name, value pairs. */
    String op(String opType, List<String> in, Object... attributes) {
        return opN(opType, in, 1, attributes)[0];
    }

    /** A node with one input (the attributes follow as name, value pairs). */
    String op1(String opType, String in0, Object... attributes) {
        return op(opType, List.of(in0), attributes);
    }

    String op(String opType, String in0, String in1, Object... attributes) {
        return op(opType, List.of(in0, in1), attributes);
    }

    /** One node with {@code outputs} outputs. An empty input name stands for an omitted optional input. */
    String[] opN(String opType, List<String> in, int outputCount, Object... attributes) {
        String[] out = new String[outputCount];
        String base = fresh(opType.toLowerCase());
        for (int i = 0; i < outputCount; i++) out[i] = outputCount == 1 ? base : base + "_" + i;
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(base + "_node").addAllInput(in);
        for (String o : out) n.addOutput(o);
        for (int i = 0; i < attributes.length; i += 2) n.addAttribute(attribute((String) attributes[i], attributes[i + 1]));
        nodes.add(n.build());
        return out;
    }

    /** A node whose single output gets a fixed name (a graph output). */
    void opNamed(String opType, List<String> in, String output, Object... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(output + "_node").addAllInput(in).addOutput(output);
        for (int i = 0; i < attributes.length; i += 2) n.addAttribute(attribute((String) attributes[i], attributes[i + 1]));
        nodes.add(n.build());
    }

    private static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (value) {
            case Integer i -> a.setType(AttributeProto.AttributeType.INT).setI(i);
            case Long l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
            case Float f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            case String s -> a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
            case long[] ls -> {
                a.setType(AttributeProto.AttributeType.INTS);
                for (long l : ls) a.addInts(l);
            }
            default -> throw new IllegalArgumentException("attribute " + name + ": unsupported value " + value);
        }
        return a.build();
    }

    // ---- helpers for ops whose signature changed between opsets -------------------------------

    /** ReduceMean over the last axis, keeping it: axes is an attribute before opset 18, an input since. */
    String reduceMeanLast(String x) {
        return opset < 18
                ? op1("ReduceMean", x, "axes", new long[] {-1}, "keepdims", 1)
                : op("ReduceMean", x, ints(-1), "keepdims", 1);
    }

    String slice(String x, long start, long end, long axis) {
        return op("Slice", List.of(x, ints(start), ints(end), ints(axis)));
    }

    String slice(String x, long start, long end, long axis, long step) {
        return op("Slice", List.of(x, ints(start), ints(end), ints(axis), ints(step)));
    }

    String unsqueeze(String x, long... axes) {
        return op("Unsqueeze", x, ints(axes));
    }

    String reshape(String x, long... shape) {
        return op("Reshape", x, ints(shape));
    }

    String cast(String x, Type to) {
        return op1("Cast", x, "to", to.proto.getNumber());
    }

    // ---- writing ------------------------------------------------------------------------------

    long initializerBytes() {
        long n = 0;
        for (Initializer i : initializers) n += i.bytes();
        return n;
    }

    /**
     * Writes the model to {@code out}; when the initializers' total exceeds {@code externalThreshold}
     * bytes, every tensor over 1 KiB goes to {@code out + ".data"} (data_location EXTERNAL).
     *
     * @return true when the external-data file was written
     */
    boolean write(Path out, String graphName, String producerVersion, long externalThreshold, GgufWriter.Progress progress) throws IOException {
        long total = initializerBytes();
        boolean external = total > externalThreshold;
        Path dataFile = out.resolveSibling(out.getFileName() + ".data");
        GraphProto.Builder g = GraphProto.newBuilder().setName(graphName)
                .addAllNode(nodes).addAllInput(inputs).addAllOutput(outputs);
        long done = 0;
        try (OutputStream data = external ? new BufferedOutputStream(Files.newOutputStream(dataFile), 1 << 20) : OutputStream.nullOutputStream()) {
            long offset = 0;
            for (Initializer init : initializers) {
                byte[] bytes = init.data().get();
                if (bytes.length != init.bytes()) {
                    throw new IllegalStateException("initializer %s: %d bytes, expected %d".formatted(init.name(), bytes.length, init.bytes()));
                }
                TensorProto.Builder t = TensorProto.newBuilder().setName(init.name()).setDataType(init.type().proto.getNumber());
                for (long d : init.dims()) t.addDims(d);
                if (external && bytes.length > INLINE_LIMIT) {
                    long pad = (EXTERNAL_ALIGNMENT - offset % EXTERNAL_ALIGNMENT) % EXTERNAL_ALIGNMENT;
                    data.write(new byte[(int) pad]);
                    offset += pad;
                    data.write(bytes);
                    t.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                            .addExternalData(entry("location", dataFile.getFileName().toString()))
                            .addExternalData(entry("offset", Long.toString(offset)))
                            .addExternalData(entry("length", Long.toString(bytes.length)));
                    offset += bytes.length;
                } else {
                    t.setRawData(UnsafeByteOperations.unsafeWrap(bytes));
                }
                g.addInitializer(t);
                done += bytes.length;
                progress.update(done, total, init.name());
            }
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(irVersion(opset))
                .setProducerName("bantam")
                .setProducerVersion(producerVersion)
                .setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        metadata.forEach((k, v) -> m.addMetadataProps(entry(k, v)));
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            m.build().writeTo(os);
        }
        return external;
    }

    /** The IR version that introduced each opset (onnx/helper.py's table): 17 → 8, 18 → 8, 19-20 → 9, 21 → 10, 22-23 → 10/11. */
    static int irVersion(int opset) {
        if (opset <= 18) return 8;
        if (opset <= 20) return 9;
        if (opset <= 22) return 10;
        return 11;
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }
}
