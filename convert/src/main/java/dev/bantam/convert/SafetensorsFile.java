package dev.bantam.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A float32 safetensors file read into memory: an 8-byte little-endian header length, a JSON
 * header of {@code name → {dtype, shape, data_offsets}}, then the raw tensor bytes. The models it
 * serves are a few megabytes, so the whole file is read rather than mapped.
 */
public final class SafetensorsFile {
    /** One tensor: its shape (PyTorch order, outermost first) and values, row-major. */
    public record Tensor(String name, long[] shape, float[] values) {}

    private final Map<String, Tensor> tensors;

    private SafetensorsFile(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    public static SafetensorsFile read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        String name = path.getFileName().toString();
        if (bytes.length < 8) throw new IOException(name + ": not a safetensors file (shorter than its 8-byte header length)");
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong(0);
        if (headerLength <= 0 || 8 + headerLength > bytes.length) {
            throw new IOException("%s: not a safetensors file (header length %d, file size %d)".formatted(name, headerLength, bytes.length));
        }
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(name + ": safetensors header is not valid JSON: " + e.getMessage());
        }
        long dataStart = 8 + headerLength;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            JsonNode t = e.getValue();
            String dtype = t.path("dtype").asText();
            if (!dtype.equals("F32")) throw new IOException("%s: tensor %s has dtype %s, expected F32".formatted(name, e.getKey(), dtype));
            long[] shape = new long[t.path("shape").size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) count *= shape[i] = t.path("shape").get(i).asLong();
            long begin = t.path("data_offsets").path(0).asLong(-1), end = t.path("data_offsets").path(1).asLong(-1);
            if (begin < 0 || end - begin != count * Float.BYTES || dataStart + end > bytes.length) {
                throw new IOException("%s: tensor %s has data offsets [%d, %d] that do not fit its shape or the file".formatted(name, e.getKey(), begin, end));
            }
            float[] values = new float[(int) count];
            buf.slice((int) (dataStart + begin), (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            tensors.put(e.getKey(), new Tensor(e.getKey(), shape, values));
        }
        return new SafetensorsFile(tensors);
    }

    public boolean has(String name) { return tensors.containsKey(name); }

    public Tensor get(String name) throws IOException {
        Tensor t = tensors.get(name);
        if (t == null) throw new IOException("safetensors: tensor " + name + " is missing");
        return t;
    }

    public Map<String, Tensor> all() { return tensors; }
}
