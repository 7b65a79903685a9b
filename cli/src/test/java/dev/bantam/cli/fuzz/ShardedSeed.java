package dev.bantam.cli.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A sharded copy of a Hugging Face folder (two {@code model-0000K-of-00002.safetensors} files and
 * {@code model.safetensors.index.json}), made once so that the index itself can be mutated:
 * shards that are missing or named with {@code ../}, tensors mapped to the wrong shard.
 */
final class ShardedSeed {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardedSeed() {}

    static Path of(Path dir, Path into) throws IOException {
        Files.createDirectories(into);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals("model.safetensors")) Files.copy(p, into.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        byte[] file = Files.readAllBytes(dir.resolve("model.safetensors"));
        int length = (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonNode header = JSON.readTree(Arrays.copyOfRange(file, 8, 8 + length));
        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(n -> { if (!n.equals("__metadata__")) names.add(n); });
        ObjectNode weightMap = JSON.createObjectNode();
        for (int shard = 0; shard < 2; shard++) {
            String name = "model-0000%d-of-00002.safetensors".formatted(shard + 1);
            ObjectNode h = JSON.createObjectNode();
            var data = new java.io.ByteArrayOutputStream();
            for (int i = shard; i < names.size(); i += 2) {
                JsonNode t = header.get(names.get(i));
                int begin = t.get("data_offsets").get(0).asInt(), end = t.get("data_offsets").get(1).asInt();
                ObjectNode copy = t.deepCopy();
                copy.putArray("data_offsets").add(data.size()).add(data.size() + end - begin);
                data.write(file, 8 + length + begin, end - begin);
                h.set(names.get(i), copy);
                weightMap.put(names.get(i), name);
            }
            Files.write(into.resolve(name), SafetensorsMutator.file(JSON.writeValueAsBytes(h), data.toByteArray()));
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", file.length - 8 - length);
        index.set("weight_map", weightMap);
        Files.write(into.resolve("model.safetensors.index.json"), JSON.writeValueAsBytes(index));
        return into;
    }
}
