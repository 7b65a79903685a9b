package dev.bantam.convert.hf;

import dev.bantam.convert.EncodedTensor;
import dev.bantam.convert.Quantizer;
import dev.bantam.convert.TypeFit;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * {@code bantam convert}: a Hugging Face directory (config.json, safetensors, tokenizer.json) to
 * the GGUF file llama.cpp's converter would write, quantized on the way if asked. {@link #plan}
 * reads and checks everything first, so that a bad checkpoint is refused before a byte is written;
 * {@link #write} then streams tensor by tensor.
 */
public final class HfConverter implements AutoCloseable {
    /**
     * @param type      the type of the matrices; null for the checkpoint's own (f32, f16 or bf16)
     * @param pure      every matrix gets {@code type} (else llama.cpp's _M mix, as {@code bantam quantize})
     * @param vocabOnly only the tokenizer (and, with a config.json, the architecture's keys)
     */
    public record Options(WeightType type, boolean pure, boolean vocabOnly) {}

    /** Sizes and counts that the shapes are divided by or allocated from: 0 or less is a broken config. */
    private static final String[][] COUNTS = {{"num_hidden_layers", "n_layer"}, {"hidden_size", "n_embd"}, {"num_attention_heads", "n_head"},
            {"num_key_value_heads"}, {"head_dim"}, {"intermediate_size", "n_inner"}, {"vocab_size"}, {"max_position_embeddings", "n_positions", "n_ctx"}};

    private final String hfClass;
    private final String arch;
    private final Map<String, GgufValue> metadata;
    private final List<PlannedTensor> tensors;
    private final Map<String, WeightType> targets;
    private final WeightType fileType;
    private final SafetensorsCheckpoint checkpoint;

    private HfConverter(String hfClass, String arch, Map<String, GgufValue> metadata, List<PlannedTensor> tensors,
                        Map<String, WeightType> targets, WeightType fileType, SafetensorsCheckpoint checkpoint) {
        this.hfClass = hfClass;
        this.arch = arch;
        this.metadata = metadata;
        this.tensors = tensors;
        this.targets = targets;
        this.fileType = fileType;
        this.checkpoint = checkpoint;
    }

    public static HfConverter plan(Path dir, Options options) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (options.vocabOnly() && !Files.isRegularFile(configFile)) {
            Map<String, GgufValue> meta = new LinkedHashMap<>();
            meta.put("general.name", GgufValue.of(dir.toAbsolutePath().normalize().getFileName().toString()));
            meta.putAll(HfVocabulary.read(dir, null, -1));
            return new HfConverter("", "", meta, List.of(), Map.of(), WeightType.F32, null);
        }
        HfConfig raw = HfConfig.read(configFile);
        HfArchitecture row = HfArchitectures.of(raw);
        HfConfig c = raw.forText(row.defaults());
        for (String[] keys : COUNTS) {
            var v = c.optInt(keys);
            if (v.isPresent() && v.getAsInt() < 1) {
                throw new HfFormatException("%s: %s is %d, expected a positive integer".formatted(c.file(), keys[0], v.getAsInt()));
            }
        }
        for (HfArchitecture.Check check : row.checks()) check.check(c);
        Map<String, GgufValue> archKeys = new LinkedHashMap<>();
        for (HfArchitecture.Key k : row.keys()) {
            var v = k.source().value(c);
            if (v.isPresent()) archKeys.put(row.keyName(k), v.get());
        }
        OptionalInt vocab = c.optInt("vocab_size");
        if (options.vocabOnly()) {
            Map<String, GgufValue> meta = header(row, c, dir, archKeys);
            meta.putAll(HfVocabulary.read(dir, c, vocab.orElse(-1)));
            return new HfConverter(raw.architectures().getFirst(), row.gguf(), meta, List.of(), Map.of(), WeightType.F32, null);
        }
        SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir);
        try {
            boolean tied = c.bool("tie_word_embeddings", row.tiedByDefault());
            List<PlannedTensor> tensors = TensorPlan.of(row, c, checkpoint.tensors(), tied, dir.toString());
            int vocabSize = vocab.isPresent() ? vocab.getAsInt() : embeddingRows(tensors);
            WeightType type = options.type() != null ? options.type() : ownType(tensors);
            boolean tiedInFile = tensors.stream().noneMatch(t -> t.name().equals("output.weight"));
            Quantizer quantizer = Quantizer.plan(type, options.pure(), c.integer("num_hidden_layers", "n_layer"), tiedInFile);
            Map<String, WeightType> targets = new LinkedHashMap<>();
            for (PlannedTensor t : tensors) {
                // llama.cpp's converter keeps learned positions in F32 whatever the output type
                WeightType target = t.name().startsWith("position_embd.") ? WeightType.F32
                        : quantizer.targetOf(new GgufTensorInfo(t.name(), t.ne(), t.sourceType(), 0, 0));
                targets.put(t.name(), target);
            }
            Map<String, GgufValue> meta = header(row, c, dir, archKeys);
            meta.put("general.file_type", GgufValue.ofU32(TypeFit.fileType(type)));
            meta.put("general.quantization_version", GgufValue.ofU32(2));
            meta.putAll(HfVocabulary.read(dir, c, vocabSize));
            return new HfConverter(raw.architectures().getFirst(), row.gguf(), meta, tensors, targets, type, checkpoint);
        } catch (IOException | RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    private static Map<String, GgufValue> header(HfArchitecture row, HfConfig c, Path dir, Map<String, GgufValue> archKeys) {
        Map<String, GgufValue> meta = new LinkedHashMap<>();
        meta.put("general.architecture", GgufValue.of(row.gguf()));
        String name = c.optString("_name_or_path").filter(s -> !s.isBlank())
                .orElse(dir.toAbsolutePath().normalize().getFileName().toString());
        meta.put("general.name", GgufValue.of(name));
        meta.putAll(archKeys);
        return meta;
    }

    private static int embeddingRows(List<PlannedTensor> tensors) {
        return tensors.stream().filter(t -> t.name().equals("token_embd.weight")).mapToInt(PlannedTensor::rowCount).findFirst().orElse(-1);
    }

    /** The checkpoint's own matrix type (F32, F16 or BF16): the type of most of its matrix elements. */
    private static WeightType ownType(List<PlannedTensor> tensors) {
        Map<WeightType, Long> elements = new TreeMap<>();
        for (PlannedTensor t : tensors) if (t.ne().length > 1) elements.merge(t.sourceType(), t.elements(), Long::sum);
        return elements.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(WeightType.F32);
    }

    public String hfClass() { return hfClass; }

    public String arch() { return arch; }

    public Map<String, GgufValue> metadata() { return metadata; }

    public List<PlannedTensor> tensors() { return tensors; }

    /** The type each tensor is written as. */
    public WeightType targetOf(String tensor) { return targets.get(tensor); }

    /** The requested (or the checkpoint's own) type: {@code general.file_type}. */
    public WeightType fileType() { return fileType; }

    /** "12 × f32, 7 × q8_0". */
    public String summary() {
        Map<WeightType, Integer> counts = new TreeMap<>();
        targets.values().forEach(t -> counts.merge(t, 1, Integer::sum));
        StringBuilder sb = new StringBuilder();
        counts.forEach((t, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(n).append(" × ").append(t.name().toLowerCase()));
        return sb.isEmpty() ? "no tensors (vocabulary only)" : sb.toString();
    }

    /** Writes the file (under a temporary name, moved into place when complete). */
    public void write(Path out, boolean replace, ThreadPool pool, GgufWriter.Progress progress) throws IOException {
        GgufWriter writer = new GgufWriter();
        metadata.forEach(writer::put);
        for (PlannedTensor t : tensors) {
            WeightType target = targets.get(t.name());
            if (t.verbatim() != null && target == t.sourceType()) {
                writer.addTensor(t.name(), target, t.ne(), t.verbatim());
            } else {
                writer.addTensor(t.name(), target, t.ne(), new EncodedTensor(target, t.rowCount(), t.cols(), t.rows(), pool));
            }
        }
        writer.onProgress(progress);
        AtomicFileWrite.write(out, replace, writer::write);
    }

    @Override
    public void close() {
        if (checkpoint != null) checkpoint.close();
    }
}
