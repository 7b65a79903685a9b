package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.convert.hf.ExportArchitecture.Mapping;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.tensor.TensorView;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * GGUF → a Hugging Face model directory ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json}, {@code tokenizer_config.json}) that {@code AutoModelForCausalLM} loads.
 * Every tensor is dequantized to float32, transformed back to HF's layout where the GGUF
 * convention differs ({@link ExportArchitecture.Transform}) and rounded once to the chosen dtype. A
 * tensor the architecture row does not know is refused rather than dropped, so an export never
 * silently computes another function than the GGUF file.
 *
 * <p>The directory is written beside the target under a temporary name and moved into place when
 * complete, so an interrupted export leaves no half-written model (the torch backend's cache
 * relies on that).
 */
public final class HfExporter {
    private HfExporter() {}

    public record Result(Path dir, String architecture, int tensors, long safetensorsBytes, boolean tokenizer) {}

    public static Result export(Path gguf, Path dir, HfDtype dtype, boolean force) throws IOException {
        if (Files.exists(dir) && !force && !isEmptyDirectory(dir)) {
            throw new java.nio.file.FileAlreadyExistsException(dir + " exists and is not empty (use --force to replace it)");
        }
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "." + dir.getFileName() + ".export-");
        try (GgufFile file = GgufFile.open(gguf)) {
            Result r = write(file, work, dtype);
            if (Files.exists(dir)) deleteRecursively(dir);
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            return new Result(dir, r.architecture, r.tensors, r.safetensorsBytes, r.tokenizer);
        } finally {
            if (Files.exists(work)) deleteRecursively(work);
        }
    }

    private static Result write(GgufFile file, Path dir, HfDtype dtype) throws IOException {
        String name = file.path().getFileName().toString();
        var m = file.metadata();
        String[] tokens = m.optStringArray("tokenizer.ggml.tokens").orElse(new String[0]);
        ModelConfig c = ModelConfig.from(name, m, tokens.length);
        ExportArchitecture arch = ExportArchitecture.of(c.arch().name()).orElseThrow(() -> new IllegalArgumentException(
                "%s: architecture '%s' has no Hugging Face export (supported: %s)".formatted(name, c.arch().name(), ExportArchitecture.supportedNames())));
        if (m.has("bantam.head.policy.size")) {
            throw new IllegalArgumentException(name + ": a model with policy/value heads is not a causal LM; it has no Hugging Face export");
        }
        var writer = new SafetensorsWriter(dtype);
        int count = 0;
        boolean tied = !file.hasTensor("output.weight") || sameBytes(file, "output.weight", "token_embd.weight");
        for (GgufTensorInfo info : file.tensorInfos()) {
            if (tied && info.name().equals("output.weight")) continue; // HF ties lm_head to the embedding and saves no copy
            Mapping map = arch.map(info.name()).orElseThrow(() -> new IllegalArgumentException(
                    "%s: tensor %s has no Hugging Face counterpart in the %s export".formatted(name, info.name(), arch.gguf())));
            long[] shape = hfShape(info.shape(), map.transform());
            writer.add(map.hfName(), shape, () -> values(file.tensor(info.name()), map.transform(), c));
            count++;
        }
        long bytes = writer.write(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), json(config(arch, c, m, dtype, tied, tokens.length)));
        boolean tokenizer = HfTokenizerFiles.present(m);
        if (tokenizer) HfTokenizerFiles.write(m, c.contextLength(), dir);
        return new Result(dir, arch.gguf(), count, bytes, tokenizer);
    }

    /** llama.cpp's GPT-2 converter writes the tied output matrix as a copy of the embedding: the same bytes mean tied. */
    private static boolean sameBytes(GgufFile file, String a, String b) {
        if (!file.hasTensor(a) || !file.hasTensor(b)) return false;
        TensorView x = file.tensor(a), y = file.tensor(b);
        return x.type() == y.type() && java.util.Arrays.equals(x.shape(), y.shape()) && x.data().mismatch(y.data()) == -1;
    }

    /** GGUF lists dimensions innermost first ({@code ne}); PyTorch outermost first. Conv1D is the transpose. */
    static long[] hfShape(long[] ne, ExportArchitecture.Transform t) {
        if (ne.length == 1) return ne.clone();
        if (ne.length != 2) throw new IllegalArgumentException("only 1-D and 2-D tensors are exported, got " + ne.length + "-D");
        return t == ExportArchitecture.Transform.TRANSPOSE ? new long[] {ne[0], ne[1]} : new long[] {ne[1], ne[0]};
    }

    /** The tensor as float32 in HF's layout. */
    static float[] values(TensorView t, ExportArchitecture.Transform transform, ModelConfig c) {
        float[] v = Kernels.toFloatArray(t);
        int cols = t.shape().length == 2 ? t.cols() : 1;
        return switch (transform) {
            case NONE -> v;
            case UNPERMUTE_Q -> RopeRows.unpermute(v, c.heads(), cols);
            case UNPERMUTE_K -> RopeRows.unpermute(v, c.kvHeads(), cols);
            case TRANSPOSE -> {
                if (cols == 1 && t.shape().length == 1) yield v; // a Conv1D bias is a plain vector
                int rows = t.rows();
                float[] out = new float[v.length];
                for (int r = 0; r < rows; r++) for (int k = 0; k < cols; k++) out[k * rows + r] = v[r * cols + k];
                yield out;
            }
        };
    }

    private static Map<String, Object> config(ExportArchitecture arch, ModelConfig c, dev.bantam.core.gguf.GgufMetadata m, HfDtype dtype,
                                              boolean tied, int tokenizerSize) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("architectures", java.util.List.of(arch.hfClass()));
        j.put("model_type", arch.modelType());
        arch.config().put(j, c, m);
        j.put("vocab_size", c.vocabSize());
        m.optLong("tokenizer.ggml.bos_token_id").ifPresent(v -> j.put("bos_token_id", v));
        m.optLong("tokenizer.ggml.eos_token_id").ifPresent(v -> j.put("eos_token_id", v));
        j.put("tie_word_embeddings", tied);
        j.put("torch_dtype", dtype.torch); // transformers 4 reads torch_dtype, 5 reads dtype
        j.put("dtype", dtype.torch);
        j.put("use_cache", true);
        j.put("bantam_export", Map.of("source_architecture", c.arch().name(), "tokenizer_tokens", tokenizerSize));
        return j;
    }

    private static String json(Object value) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value) + "\n";
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
