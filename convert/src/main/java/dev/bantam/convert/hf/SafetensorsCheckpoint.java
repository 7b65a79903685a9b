package dev.bantam.convert.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bantam.convert.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.bantam.core.format.ModelFormatException.quote;

/**
 * The weights of a Hugging Face directory: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists ({@code model-00001-of-00003.safetensors}, ...).
 * Tensors are listed shard by shard, each shard's by name, the order in which llama.cpp's
 * converter writes them.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile.Tensor> tensors;

    private SafetensorsCheckpoint(List<SafetensorsFile> files, Map<String, SafetensorsFile.Tensor> tensors) {
        this.files = files;
        this.tensors = tensors;
    }

    public static SafetensorsCheckpoint open(Path dir) throws IOException {
        Path index = dir.resolve(INDEX), single = dir.resolve(SINGLE);
        if (Files.isRegularFile(index)) return sharded(dir, index);
        if (Files.isRegularFile(single)) return of(List.of(single), null);
        try (Stream<Path> list = Files.list(dir)) {
            boolean shards = list.anyMatch(p -> p.getFileName().toString().matches("model-\\d+-of-\\d+\\.safetensors"));
            throw new HfFormatException(shards
                    ? "%s: sharded safetensors without %s (it maps tensors to shards)".formatted(dir, INDEX)
                    : "%s: no %s (or %s with its shards)".formatted(dir, SINGLE, INDEX));
        }
    }

    private static SafetensorsCheckpoint sharded(Path dir, Path index) throws IOException {
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new HfFormatException(index + ": not valid JSON: " + dev.bantam.core.format.ModelFormatException.parserMessage(e.getMessage()));
        }
        if (!map.isObject() || map.isEmpty()) throw new HfFormatException(index + ": no weight_map");
        Map<String, String> shardOf = new LinkedHashMap<>();
        TreeMap<String, Path> shards = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            String file = e.getValue().asText("");
            // a weight_map entry is a file name beside the index, never a path elsewhere
            if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals("..")) {
                throw new HfFormatException("%s: tensor %s maps to '%s', expected a file name in %s".formatted(index, quote(e.getKey()), quote(file), dir));
            }
            Path shard;
            try {
                shard = dir.resolve(file);
            } catch (InvalidPathException bad) {
                // a name the OS cannot represent (a NUL, or bytes the file-name encoding lacks) is the index's fault: exit 1, not a usage error
                throw new HfFormatException("%s: tensor %s maps to '%s', not a valid file name (%s)".formatted(index, quote(e.getKey()), quote(file), bad.getReason()));
            }
            shardOf.put(e.getKey(), file);
            shards.put(file, shard);
        }
        for (Path p : shards.values()) {
            if (!Files.isRegularFile(p)) throw new HfFormatException("%s: shard %s is missing".formatted(index, p.getFileName()));
        }
        SafetensorsCheckpoint c = of(List.copyOf(shards.values()), index);
        for (var e : shardOf.entrySet()) {
            if (!c.tensors.containsKey(e.getKey())) {
                c.close();
                throw new HfFormatException("%s: tensor %s is not in %s, where the index puts it".formatted(index, e.getKey(), e.getValue()));
            }
        }
        return c;
    }

    private static SafetensorsCheckpoint of(List<Path> paths, Path index) throws IOException {
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile.Tensor> tensors = new LinkedHashMap<>();
        try {
            for (Path p : paths) {
                SafetensorsFile f = SafetensorsFile.open(p);
                files.add(f);
                for (var t : f.all().values()) {
                    if (tensors.putIfAbsent(t.name(), t) != null) {
                        throw new HfFormatException("%s: tensor %s is in more than one shard".formatted(index, t.name()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new SafetensorsCheckpoint(files, tensors);
    }

    /** Every tensor, in write order. */
    public Map<String, SafetensorsFile.Tensor> tensors() { return tensors; }

    public List<Path> files() { return files.stream().map(SafetensorsFile::path).toList(); }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
