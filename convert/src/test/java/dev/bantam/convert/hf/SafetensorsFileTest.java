package dev.bantam.convert.hf;

import dev.bantam.convert.SafetensorsFile;
import dev.bantam.convert.SafetensorsFile.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The safetensors reader: the three float dtypes, shards, and every header field checked against the file. */
class SafetensorsFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsF32F16AndBf16Rows() throws Exception {
        float[] v = {1f, -2.5f, 0.333f, 65504f, 1e-3f, -0f};
        Path file = tmp.resolve("m.safetensors");
        new SafetensorsTestWriter().add("a", Dtype.F32, new long[] {2, 3}, v).add("b", Dtype.F16, new long[] {2, 3}, v)
                .add("c", Dtype.BF16, new long[] {6}, v).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.all().keySet()).containsExactly("a", "b", "c");
            float[] row = new float[3];
            f.get("a").row(1, row);
            assertThat(row).containsExactly(65504f, 1e-3f, -0f);
            f.get("b").row(0, row);
            assertThat(row).containsExactly(1f, -2.5f, Float.float16ToFloat(Float.floatToFloat16(0.333f)));
            assertThat(f.get("c").toFloats()[2]).isEqualTo(Float.intBitsToFloat(SafetensorsTestWriter.bf16(0.333f) << 16));
            assertThat(f.get("c").rows()).isEqualTo(1);
            assertThat(f.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void shardsAreJoinedByTheirIndex() throws Exception {
        SafetensorsTestWriter w = new SafetensorsTestWriter();
        for (int i = 0; i < 5; i++) w.add("t" + i, Dtype.F32, new long[] {1}, new float[] {i});
        w.writeSharded(tmp, 3);
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(tmp)) {
            assertThat(c.files()).hasSize(3);
            assertThat(c.tensors().keySet()).containsExactly("t0", "t1", "t2", "t3", "t4");
            assertThat(c.tensors().get("t4").get(0)).isEqualTo(4f);
        }
        Files.delete(tmp.resolve("model-00002-of-00003.safetensors"));
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp)).isInstanceOf(HfFormatException.class)
                .hasMessageContaining("shard model-00002-of-00003.safetensors is missing");
        Files.delete(tmp.resolve("model.safetensors.index.json"));
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp)).isInstanceOf(HfFormatException.class)
                .hasMessageContaining("sharded safetensors without model.safetensors.index.json");
    }

    @Test
    void anIndexCannotPointOutsideItsDirectory() throws Exception {
        Files.writeString(tmp.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"a\": \"../elsewhere.safetensors\"}}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp)).hasMessageContaining("expected a file name");
    }

    @Test
    void headerFieldsAreCheckedAgainstTheFileSize() throws Exception {
        assertBad(new byte[] {1, 2, 3}, "shorter than its 8-byte header length");
        assertBad(raw(1L << 40, "{}", 0), "header length 1099511627776");
        assertBad(raw(-1, "{}", 0), "header length -1");
        assertBad(raw(6, "{nope}", 0), "not valid JSON");
        assertBad(withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 8), "outside the data section (8 bytes)");
        assertBad(withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 12]}}", 16), "has 12 bytes of data, its dtype F32 and shape [4] need 16");
        assertBad(withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [12, 4]}}", 16), "outside the data section");
        assertBad(withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 16]}}", 16), "too large");
        assertBad(withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [-4], \"data_offsets\": [0, 16]}}", 16), "has shape [-4]");
        assertBad(withHeader("{\"a\": {\"dtype\": \"I8\", \"shape\": [4], \"data_offsets\": [0, 4]}}", 4), "tensor a has dtype I8; supported: F32, F16, BF16");
    }

    private void assertBad(byte[] bytes, String message) throws IOException {
        Path f = Files.write(tmp.resolve("bad.safetensors"), bytes);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("bad.safetensors: ").hasMessageContaining(message);
    }

    private static byte[] withHeader(String json, int dataBytes) {
        return raw(json.getBytes(StandardCharsets.UTF_8).length, json, dataBytes);
    }

    private static byte[] raw(long headerLength, String json, int dataBytes) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + j.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).put(j).array();
    }
}
