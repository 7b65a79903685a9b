package dev.bantam.onnx;

import dev.bantam.core.format.ModelFormatException;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufMetadata;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.core.tokenizer.Tokenizers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The source GGUF's tokenizer, carried in an exported graph's {@code metadata_props} under
 * {@link #KEY} so that a {@code .onnx} file alone can be run end to end.
 *
 * <p>Format (version 1): the string {@code gguf-kv.v1.gz.b64:} followed by the standard base64
 * encoding of a gzip stream whose content is a GGUF v3 header with no tensors and exactly the
 * source's {@code tokenizer.ggml.*} key/value pairs, in file order, with their GGUF types. It is
 * exact (types included), reuses the GGUF reader and writer, and small: a 4096-token vocabulary
 * with its merges takes some tens of kilobytes.
 */
public final class TokenizerMetadata {
    public static final String KEY = "bantam.gguf_tokenizer";
    public static final String PREFIX = "gguf-kv.v1.gz.b64:";
    private static final String TOKENIZER_KEYS = "tokenizer.ggml.";

    private TokenizerMetadata() {}

    /** The {@code tokenizer.ggml.*} keys of {@code source} in the compact form above. */
    public static String encode(GgufMetadata source) {
        GgufWriter w = new GgufWriter();
        for (Map.Entry<String, GgufValue> e : source.asMap().entrySet()) {
            if (e.getKey().startsWith(TOKENIZER_KEYS)) w.put(e.getKey(), e.getValue());
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                w.write(gz);
            }
            return PREFIX + Base64.getEncoder().encodeToString(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Most bytes the gzip blob may inflate to. A 4096-token vocabulary takes tens of kilobytes and
     * a 256k one a few megabytes; a bomb (a few KB that inflate to gigabytes) stops here.
     */
    static final int MAX_DECOMPRESSED = 64 << 20;

    /** The GGUF metadata that {@link #encode} wrote; {@code file} is named in error messages. */
    public static GgufMetadata decode(String value, String file) {
        if (!value.startsWith(PREFIX)) {
            throw new ModelFormatException("%s: metadata %s does not start with '%s' (written by a newer Bantam?)".formatted(file, KEY, PREFIX));
        }
        byte[] gguf;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(value.substring(PREFIX.length()))))) {
            gguf = readBounded(in, file);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException("%s: metadata %s is not valid base64 gzip: %s".formatted(file, KEY, ModelFormatException.quote(e.getMessage())), e);
        }
        return GgufFile.parseMetadata(file + " [" + KEY + "]", gguf);
    }

    /** Reads at most {@link #MAX_DECOMPRESSED} bytes, failing (not truncating) past that. */
    private static byte[] readBounded(InputStream in, String file) throws IOException {
        byte[] head = in.readNBytes(MAX_DECOMPRESSED);
        if (head.length == MAX_DECOMPRESSED && in.read() >= 0) {
            throw new ModelFormatException("%s: metadata %s inflates to more than %d MiB (expected a tokenizer of at most that)"
                    .formatted(file, KEY, MAX_DECOMPRESSED >> 20));
        }
        return head;
    }

    /** The tokenizer described by an exported graph's metadata map. */
    public static Tokenizer tokenizer(Map<String, String> graphMetadata, String file) {
        String v = graphMetadata.get(KEY);
        if (v == null) {
            throw new ModelFormatException("%s: no tokenizer in its metadata (%s is missing; export it again with this Bantam)".formatted(file, KEY));
        }
        return Tokenizers.fromGguf(decode(v, file), file);
    }

    /** The metadata the exporter writes besides the graph: tokenizer, context length, vocabulary size. */
    static Map<String, String> exportMetadata(GgufMetadata source, int contextLength, int vocabSize) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bantam.context_length", Integer.toString(contextLength));
        m.put("bantam.vocab_size", Integer.toString(vocabSize));
        if (source.has(TOKENIZER_KEYS + "model")) m.put(KEY, encode(source));
        return m;
    }
}
