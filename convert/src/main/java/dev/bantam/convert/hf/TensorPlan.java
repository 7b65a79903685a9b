package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.convert.RowSource;
import dev.bantam.convert.SafetensorsFile;
import dev.bantam.convert.hf.HfArchitecture.Transform;
import dev.bantam.core.tensor.WeightType;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a checkpoint's tensors to GGUF tensors by one architecture row: names, shapes, transforms
 * and computed tensors, in llama.cpp's order (computed ones first, then the checkpoint's). Every
 * problem is found here, before anything is written: a tensor with no GGUF name, a missing one,
 * a shape a transform cannot take.
 */
final class TensorPlan {
    /** The first layer number in a name: {@code model.layers.12.mlp...}, {@code h.3.attn...}. */
    private static final Pattern LAYER = Pattern.compile("(^|\\.)(\\d+)(?=\\.)");

    private final HfArchitecture arch;
    private final HfConfig config;
    private final String where;
    private final Map<String, PlannedTensor> out = new LinkedHashMap<>();

    private TensorPlan(HfArchitecture arch, HfConfig config, String where) {
        this.arch = arch;
        this.config = config;
        this.where = where;
    }

    /**
     * @param where names the checkpoint in messages (its directory)
     * @param tied  whether the output projection is the embedding (no {@code output.weight} written from lm_head)
     */
    static List<PlannedTensor> of(HfArchitecture arch, HfConfig config, Map<String, SafetensorsFile.Tensor> tensors, boolean tied, String where)
            throws HfFormatException {
        TensorPlan p = new TensorPlan(arch, config, where);
        p.computed();
        int layers = config.integer("num_hidden_layers", "n_layer");
        for (SafetensorsFile.Tensor t : tensors.values()) {
            String hf = p.rewritten(t.name());
            if (arch.ignored().stream().anyMatch(r -> r.matcher(hf).matches())) continue;
            String gguf = p.ggufName(hf);
            if (gguf == null) {
                throw new HfFormatException("%s: tensor %s has no GGUF name for %s (architecture %s)".formatted(where, t.name(), arch.hfClasses().getFirst(), arch.gguf()));
            }
            Matcher m = LAYER.matcher(gguf);
            if (m.find() && Integer.parseInt(m.group(2)) >= layers) {
                throw new HfFormatException("%s: tensor %s is in layer %s, but the config has %d layers".formatted(where, t.name(), m.group(2), layers));
            }
            if (tied && gguf.equals("output.weight")) continue; // the embedding serves, as transformers ties them
            p.add(p.planned(gguf, hf, t));
            if (gguf.equals("token_embd.weight") && tied && arch.transforms().contains(Transform.OUTPUT_COPY_OF_EMBEDDING)) {
                PlannedTensor e = p.out.get(gguf);
                p.add(new PlannedTensor("output.weight", t.name(), e.ne(), e.sourceType(), e.rows(), e.verbatim()));
            }
        }
        p.requireAll(layers, tied);
        return List.copyOf(p.out.values());
    }

    private void add(PlannedTensor t) throws HfFormatException {
        if (out.putIfAbsent(t.name(), t) != null) {
            throw new HfFormatException("%s: tensors %s and %s both map to %s".formatted(where, out.get(t.name()).source(), t.source(), t.name()));
        }
    }

    private String rewritten(String name) {
        for (var e : arch.prefixes().entrySet()) {
            if (name.startsWith(e.getKey())) return e.getValue() + name.substring(e.getKey().length());
        }
        return name;
    }

    /** The GGUF name of a (rewritten) HF name, or null. */
    String ggufName(String hf) {
        int dot = hf.lastIndexOf('.');
        if (dot < 0) return null;
        String stem = hf.substring(0, dot), suffix = hf.substring(dot);
        Matcher m = LAYER.matcher(stem);
        String layer = null;
        if (m.find()) {
            layer = m.group(2);
            stem = stem.substring(0, m.start(2)) + "N" + stem.substring(m.end(2));
        }
        String target = arch.names().get(stem);
        if (target == null) return null;
        return (layer == null ? target : target.replace("N", layer)) + suffix;
    }

    /** The HF name that maps to a GGUF name (for messages about a missing tensor). */
    private String hfName(String gguf) {
        int dot = gguf.lastIndexOf('.');
        String stem = gguf.substring(0, dot), suffix = gguf.substring(dot);
        Matcher m = LAYER.matcher(stem);
        String layer = m.find() ? m.group(2) : null;
        String generic = layer == null ? stem : stem.substring(0, m.start(2)) + "N" + stem.substring(m.end(2));
        for (var e : arch.names().entrySet()) {
            if (e.getValue().equals(generic)) return (layer == null ? e.getKey() : e.getKey().replace(".N.", "." + layer + ".")) + suffix;
        }
        return gguf;
    }

    /** Norms, biases and rope factors are vectors; every other weight is a matrix (embeddings included). */
    static int expectedRank(String gguf) {
        return gguf.endsWith(".bias") || gguf.contains("norm") || gguf.startsWith("rope_") ? 1 : 2;
    }

    private PlannedTensor planned(String gguf, String hf, SafetensorsFile.Tensor t) throws HfFormatException {
        WeightType type = WeightType.valueOf(t.dtype().name());
        long[] shape = t.shape();
        long[] ne = new long[shape.length];
        for (int i = 0; i < shape.length; i++) ne[i] = shape[shape.length - 1 - i];
        if (shape.length == 0) ne = new long[] {1};
        int rank = expectedRank(gguf);
        if (shape.length != rank) {
            throw new HfFormatException("%s: tensor %s has shape %s, expected %d dimensions (%s)".formatted(
                    where, t.name(), java.util.Arrays.toString(shape), rank, rank == 1 ? "a vector" : "a matrix"));
        }
        RowSource rows = RowTransforms.identity(t);
        boolean verbatim = true;
        if (arch.transforms().contains(Transform.PERMUTE_QK) && (gguf.matches("blk\\.\\d+\\.attn_[qk]\\.(weight|bias)"))) {
            boolean q = gguf.contains(".attn_q.");
            int heads = q ? config.integer("num_attention_heads") : config.optInt("num_key_value_heads").orElse(config.integer("num_attention_heads"));
            long outer = shape[0];
            if (outer % heads != 0 || (outer / heads) % 2 != 0) {
                throw new HfFormatException("%s: tensor %s has %d rows, not %d heads of an even size".formatted(where, t.name(), outer, heads));
            }
            rows = RowTransforms.ropePermuted(t, heads);
            verbatim = false;
        }
        if (arch.transforms().contains(Transform.CONV1D) && shape.length == 2
                && gguf.matches("blk\\.\\d+\\.(attn_qkv|attn_output|ffn_up|ffn_down)\\.weight")) {
            rows = RowTransforms.transposed(t);
            ne = new long[] {shape[0], shape[1]};
            verbatim = false;
        }
        if (arch.transforms().contains(Transform.NORMS_PLUS_ONE) && hf.endsWith("norm.weight")) {
            rows = RowTransforms.plusOne(rows, Math.toIntExact(ne[0]));
            verbatim = false;
        }
        return new PlannedTensor(gguf, t.name(), ne, type, rows, verbatim ? t.data() : null);
    }

    private void requireAll(int layers, boolean tied) throws HfFormatException {
        List<String> needed = new ArrayList<>(arch.globalTensors());
        if (!tied) needed.add("output.weight");
        for (int l = 0; l < layers; l++) for (String b : arch.blockTensors()) needed.add("blk." + l + "." + b);
        for (String n : needed) {
            if (!out.containsKey(n)) throw new HfFormatException("%s: tensor %s is missing (it becomes %s)".formatted(where, hfName(n), n));
        }
    }

    /** Tensors the config implies: llama3 rope factors, Phi-3 longrope factors. */
    private void computed() throws HfFormatException {
        RopeParameters rope = RopeParameters.of(config, null);
        if (arch.transforms().contains(Transform.LLAMA3_ROPE_FREQS) && rope.is("llama3")) {
            float[] f = RopeFactors.llama3(rope.theta().orElse(10_000.0), HfArchitectures.headDim(config),
                    rope.param("factor").orElse(8.0), rope.param("low_freq_factor").orElse(1.0),
                    rope.param("high_freq_factor").orElse(4.0), rope.originalContext(8192));
            add(vector("rope_freqs.weight", f));
        }
        if (arch.transforms().contains(Transform.LONGROPE_FACTORS) && (rope.is("longrope") || rope.is("su"))) {
            int half = HfArchitectures.phi3RopeDims(config) / 2;
            add(vector("rope_factors_long.weight", factors(rope.list("long_factor"), "long_factor", half)));
            add(vector("rope_factors_short.weight", factors(rope.list("short_factor"), "short_factor", half)));
        }
    }

    private float[] factors(JsonNode list, String key, int expected) throws HfFormatException {
        if (!list.isArray() || list.size() != expected) {
            throw new HfFormatException("%s: rope %s has %s values, expected %d (rotary dims / 2)".formatted(config.file(), key, list.isArray() ? list.size() : "no", expected));
        }
        float[] f = new float[expected];
        for (int i = 0; i < expected; i++) f[i] = (float) list.get(i).asDouble();
        return f;
    }

    private static PlannedTensor vector(String name, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        RowSource rows = (r, o) -> System.arraycopy(values, 0, o, 0, values.length);
        return new PlannedTensor(name, "", new long[] {values.length}, WeightType.F32, rows, MemorySegment.ofArray(b.array()));
    }
}
