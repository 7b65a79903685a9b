package dev.bantam.onnx;

import dev.bantam.core.format.ModelFormatException;
import dev.bantam.onnx.proto.OnnxProto.GraphProto;
import dev.bantam.onnx.proto.OnnxProto.ModelProto;
import dev.bantam.onnx.proto.OnnxProto.NodeProto;
import dev.bantam.onnx.proto.OnnxProto.TensorProto;
import dev.bantam.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * What ONNX Runtime takes on trust and crashes the process on (found by issue 17's mutation run: a
 * SIGSEGV while creating the session): an initializer whose data is shorter than its dims say, a
 * node that reads a value nothing defines. Checked in Java before the file reaches the runtime, so
 * a malformed graph is one line and exit 1, like any other file.
 */
public final class OnnxGraphCheck {
    private OnnxGraphCheck() {}

    public static void check(Path file) throws IOException {
        String name = file.getFileName().toString();
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = ModelProto.parseFrom(in);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new ModelFormatException(name + ": not an ONNX model (" + ModelFormatException.quote(e.getMessage()) + ")");
        }
        GraphProto g = model.getGraph();
        Set<String> defined = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) defined.add(v.getName());
        for (TensorProto t : g.getInitializerList()) {
            initializer(name, t);
            defined.add(t.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            // a last input left out by an empty name (LayerNormalization without its bias) crashed ONNX Runtime 1.23.2
            // while it optimised the graph; a writer leaves trailing optional inputs off, so only a broken file has one
            if (n.getInputCount() > 0 && n.getInput(n.getInputCount() - 1).isEmpty()) {
                throw ModelFormatException.of(name, "node " + n.getName() + " (" + n.getOpType() + ")", "no empty name as its last input", "one");
            }
            for (String in : n.getInputList()) {
                // an empty name is an optional input left out; any other must be defined above (ONNX graphs are sorted)
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw ModelFormatException.of(name, "node " + n.getName() + " (" + n.getOpType() + ")", "inputs defined earlier in the graph",
                            "input '" + in + "' that nothing defines");
                }
            }
            defined.addAll(n.getOutputList());
        }
        for (ValueInfoProto v : g.getOutputList()) {
            if (!defined.contains(v.getName())) throw ModelFormatException.of(name, "graph output " + v.getName(), "a value the graph computes", "none");
        }
    }

    private static void initializer(String file, TensorProto t) {
        long elements = 1;
        try {
            for (long d : t.getDimsList()) {
                if (d < 0) throw ModelFormatException.of(file, "initializer " + t.getName(), "dimensions >= 0", String.valueOf(t.getDimsList()));
                elements = Math.multiplyExact(elements, d);
            }
        } catch (ArithmeticException e) {
            throw ModelFormatException.of(file, "initializer " + t.getName(), "a size that fits in 64 bits", String.valueOf(t.getDimsList()));
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) return; // sized against the side file by the runtime
        int bytes = switch (t.getDataType()) {
            case 2, 3, 9 -> 1;            // uint8, int8, bool
            case 4, 5, 10, 16 -> 2;       // uint16, int16, float16, bfloat16
            case 1, 6, 12 -> 4;           // float, int32, uint32
            case 7, 11, 13 -> 8;          // int64, double, uint64
            case 8 -> 0;                  // strings: not sized by dims alone
            default -> throw ModelFormatException.of(file, "initializer " + t.getName(), "a known data type", "data_type " + t.getDataType());
        };
        if (bytes == 0) return;
        long have = !t.getRawData().isEmpty() ? t.getRawData().size()
                : (long) bytes * (t.getFloatDataCount() + t.getInt32DataCount() + t.getInt64DataCount() + t.getDoubleDataCount() + t.getUint64DataCount());
        long need = elements > Long.MAX_VALUE / bytes ? -1 : elements * bytes;
        // typed fields pack small types into int32 slots: compare element counts there
        if (t.getRawData().isEmpty() && t.getInt32DataCount() > 0) have = (long) t.getInt32DataCount() * bytes;
        if (have != need) {
            throw ModelFormatException.of(file, "initializer " + t.getName(), need < 0 ? "a size that fits" : need + " bytes of data for dims " + t.getDimsList(), have + " bytes");
        }
    }
}
