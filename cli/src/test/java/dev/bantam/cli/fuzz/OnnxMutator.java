package dev.bantam.cli.fuzz;

import dev.bantam.onnx.TokenizerMetadata;
import dev.bantam.onnx.proto.OnnxProto.AttributeProto;
import dev.bantam.onnx.proto.OnnxProto.GraphProto;
import dev.bantam.onnx.proto.OnnxProto.ModelProto;
import dev.bantam.onnx.proto.OnnxProto.NodeProto;
import dev.bantam.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.bantam.onnx.proto.OnnxProto.TensorProto;
import dev.bantam.onnx.proto.OnnxProto.TensorShapeProto;
import dev.bantam.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Structure-aware mutations of an ONNX model through its protobuf messages: Bantam's metadata
 * (context length, vocabulary size, precision, the gzip'd GGUF tokenizer: garbage, a mutated
 * GGUF header inside, a decompression bomb), graph inputs and outputs (types, shapes, names),
 * initializers (dims, data type, truncated data), nodes (operator, inputs, attributes, domain),
 * opset and IR versions; or the serialized bytes cut short or overwritten.
 */
final class OnnxMutator {
    private static final String[] NUMBERS = {"0", "-1", "1", "2", "2147483647", "2147483648", "99999999999", "abc", "", "1e9", " 8", "0x10",
            "x\n\u0000\u001b[2J", "9223372036854775807"};
    private static final String[] OPS = {"Add", "MatMul", "Gather", "Identity", "Softmax", "Reshape", "NoSuchOp", "", "Loop", "If", "Concat"};
    private static final long[] DIMS = {0, -1, 1, 2, 3, 1 << 20, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE, -7};
    /** A gzip'd run of zeros far above the decoder's bound, made once. */
    private static final String BOMB = TokenizerMetadata.PREFIX + Base64.getEncoder().encodeToString(gzipZeros(256 << 20));

    private final ModelProto model;
    private final byte[] bytes;
    private final Mutator tokenizerHeader;

    OnnxMutator(byte[] file) throws IOException {
        this.bytes = file;
        this.model = ModelProto.parseFrom(file);
        Mutator header = null;
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            if (p.getKey().equals(TokenizerMetadata.KEY)) header = Mutator.ofGgufBytes(gunzip(p.getValue()));
        }
        this.tokenizerHeader = header;
    }

    /** The mutant's bytes and what was changed. */
    record Result(byte[] bytes, String what) {}

    Result mutate(Random r) throws IOException {
        int op = r.nextInt(20);
        if (op < 2) {
            byte[] m = bytes.clone();
            if (r.nextBoolean()) {
                int cut = r.nextInt(m.length);
                return new Result(Arrays.copyOf(m, cut), "cut at " + cut);
            }
            int n = 1 + r.nextInt(8);
            int span = Math.min(m.length, 4096);
            for (int i = 0; i < n; i++) m[r.nextBoolean() ? r.nextInt(span) : r.nextInt(m.length)] = (byte) r.nextInt(256);
            return new Result(m, n + " random bytes");
        }
        ModelProto.Builder b = model.toBuilder();
        String what;
        if (op < 8) what = metadata(r, b);
        else if (op < 11) what = valueInfo(r, b.getGraphBuilder(), r.nextBoolean());
        else if (op < 14) what = initializer(r, b.getGraphBuilder());
        else if (op < 18) what = node(r, b.getGraphBuilder());
        else if (op == 18) {
            long v = DIMS[r.nextInt(DIMS.length)] % 1000;
            b.getOpsetImportBuilder(0).setVersion(v);
            what = "opset := " + v;
        } else {
            long v = new long[] {0, 1, 3, 100, -1}[r.nextInt(5)];
            b.setIrVersion(v);
            what = "ir_version := " + v;
        }
        return new Result(b.build().toByteArray(), what);
    }

    private String metadata(Random r, ModelProto.Builder b) throws IOException {
        if (b.getMetadataPropsCount() == 0 || r.nextInt(10) == 0) {
            // a graph without Bantam's metadata (the game networks) gets some, hostile
            String[] keys = {"bantam.context_length", "bantam.vocab_size", "bantam.precision", "bantam.kv_cache", TokenizerMetadata.KEY};
            b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(keys[r.nextInt(keys.length)]).setValue("0"));
        }
        int i = r.nextInt(b.getMetadataPropsCount());
        StringStringEntryProto.Builder p = b.getMetadataPropsBuilder(i);
        String key = p.getKey();
        if (r.nextInt(8) == 0) {
            b.removeMetadataProps(i);
            return "metadata " + key + " removed";
        }
        if (key.equals(TokenizerMetadata.KEY)) {
            switch (r.nextInt(tokenizerHeader == null ? 4 : 5)) {
                case 0 -> p.setValue(BOMB);
                case 1 -> p.setValue(TokenizerMetadata.PREFIX + "!!not base64!!");
                case 2 -> p.setValue(TokenizerMetadata.PREFIX + Base64.getEncoder().encodeToString(randomBytes(r, 1 + r.nextInt(64))));
                case 3 -> p.setValue(p.getValue().substring(0, r.nextInt(p.getValue().length())));
                default -> {
                    // a mutated GGUF header inside the gzip: the tokenizer built from it must fail cleanly
                    java.nio.file.Path tmp = java.nio.file.Files.createTempFile("tok", ".gguf");
                    try {
                        String w = tokenizerHeader.mutate(r, tmp);
                        p.setValue(TokenizerMetadata.PREFIX + Base64.getEncoder().encodeToString(gzip(java.nio.file.Files.readAllBytes(tmp))));
                        return "tokenizer GGUF " + w;
                    } finally {
                        java.nio.file.Files.deleteIfExists(tmp);
                    }
                }
            }
            return "metadata " + key + " := (" + p.getValue().length() + " chars)";
        }
        String v = NUMBERS[r.nextInt(NUMBERS.length)];
        if (key.endsWith("precision") && r.nextBoolean()) v = new String[] {"fp32", "fp16", "int8", "fp64"}[r.nextInt(4)];
        if (key.endsWith("kv_cache") && r.nextBoolean()) v = r.nextBoolean() ? "true" : "false";
        p.setValue(v);
        return "metadata " + key + " := " + v.replace("\n", "\\n");
    }

    private String valueInfo(Random r, GraphProto.Builder g, boolean input) {
        int count = input ? g.getInputCount() : g.getOutputCount();
        if (count == 0) return "no " + (input ? "inputs" : "outputs");
        int i = r.nextInt(count);
        ValueInfoProto.Builder v = input ? g.getInputBuilder(i) : g.getOutputBuilder(i);
        String name = v.getName();
        switch (r.nextInt(4)) {
            case 0 -> {
                if (input) g.removeInput(i); else g.removeOutput(i);
                return (input ? "input " : "output ") + name + " removed";
            }
            case 1 -> { v.setName(name + "_x"); return name + " renamed"; }
            case 2 -> {
                int t = r.nextInt(17);
                v.getTypeBuilder().getTensorTypeBuilder().setElemType(t);
                return name + " elem_type := " + t;
            }
            default -> {
                TensorShapeProto.Builder s = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                if (s.getDimCount() == 0) return name + " has no dims";
                int d = r.nextInt(s.getDimCount());
                long dv = DIMS[r.nextInt(DIMS.length)];
                s.getDimBuilder(d).setDimValue(dv);
                return name + " dim " + d + " := " + dv;
            }
        }
    }

    private String initializer(Random r, GraphProto.Builder g) {
        if (g.getInitializerCount() == 0) return "no initializers";
        int i = r.nextInt(g.getInitializerCount());
        TensorProto.Builder t = g.getInitializerBuilder(i);
        String name = t.getName();
        switch (r.nextInt(5)) {
            case 0 -> { g.removeInitializer(i); return "initializer " + name + " removed"; }
            case 1 -> {
                int dt = r.nextInt(20);
                t.setDataType(dt);
                return name + " data_type := " + dt;
            }
            case 2 -> {
                if (t.getRawData().isEmpty()) return name + " has no raw data";
                t.setRawData(t.getRawData().substring(0, r.nextInt(t.getRawData().size())));
                return name + " raw data cut";
            }
            default -> {
                if (t.getDimsCount() == 0) { t.addDims(DIMS[r.nextInt(DIMS.length)]); return name + " dim added"; }
                int d = r.nextInt(t.getDimsCount());
                long v = DIMS[r.nextInt(DIMS.length)];
                t.setDims(d, v);
                return name + " dims[" + d + "] := " + v;
            }
        }
    }

    private String node(Random r, GraphProto.Builder g) {
        if (g.getNodeCount() == 0) return "no nodes";
        int i = r.nextInt(g.getNodeCount());
        NodeProto.Builder n = g.getNodeBuilder(i);
        String name = n.getName().isEmpty() ? n.getOpType() + "#" + i : n.getName();
        switch (r.nextInt(5)) {
            case 0 -> { g.removeNode(i); return "node " + name + " removed"; }
            case 1 -> { String op = OPS[r.nextInt(OPS.length)]; n.setOpType(op); return name + " op := " + op; }
            case 2 -> {
                if (n.getInputCount() == 0) return name + " has no inputs";
                int k = r.nextInt(n.getInputCount());
                n.setInput(k, r.nextBoolean() ? "missing_value" : "");
                return name + " input " + k + " renamed";
            }
            case 3 -> { n.setDomain(r.nextBoolean() ? "com.microsoft" : "x.y"); return name + " domain changed"; }
            default -> {
                if (n.getAttributeCount() == 0) { n.addInput(n.getInputCount() > 0 ? n.getInput(0) : "input_ids"); return name + " extra input"; }
                AttributeProto.Builder a = n.getAttributeBuilder(r.nextInt(n.getAttributeCount()));
                long v = DIMS[r.nextInt(DIMS.length)];
                a.setI(v).setF(Float.NaN);
                if (a.getIntsCount() > 0) a.setInts(0, v);
                return name + " attribute " + a.getName() + " := " + v;
            }
        }
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) { z.write(b); }
        return out.toByteArray();
    }

    private static byte[] gzipZeros(int n) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < n; i += zeros.length) z.write(zeros);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gunzip(String value) throws IOException {
        byte[] gz = Base64.getDecoder().decode(value.substring(TokenizerMetadata.PREFIX.length()).getBytes(StandardCharsets.US_ASCII));
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
