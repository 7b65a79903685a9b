package dev.bantam.onnx.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bantam.core.format.ModelFormatException;
import dev.bantam.onnx.TokenizerMetadata;

import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * An ONNX file's tokenizer metadata (a base64 gzip GGUF header): the first byte picks whether the
 * rest is the gzip stream itself (bombs, bad streams) or the GGUF bytes inside it; either way the
 * result is a tokenizer or a one-line ModelFormatException, never an OutOfMemoryError.
 */
class TokenizerMetadataFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void tokenizerMetadata(byte[] data) throws Exception {
        if (data.length == 0) return;
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        byte[] gzip = (data[0] & 1) == 0 ? rest : gzip(rest);
        String value = TokenizerMetadata.PREFIX + Base64.getEncoder().encodeToString(gzip);
        try {
            TokenizerMetadata.tokenizer(Map.of(TokenizerMetadata.KEY, value), "fuzz.onnx").encode("It is a truth", true, true);
        } catch (ModelFormatException expected) {
            String m = expected.getMessage();
            for (char c : m.toCharArray()) if (c < 0x20) throw new AssertionError("raw control byte in: " + m);
        }
    }

    private static byte[] gzip(byte[] b) throws java.io.IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }
}
