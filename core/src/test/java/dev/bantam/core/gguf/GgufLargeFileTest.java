package dev.bantam.core.gguf;

import dev.bantam.core.kernels.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Offsets are longs end to end: a tensor that starts past 2 GiB reads back (sparse file, no 2 GiB written). */
class GgufLargeFileTest {
    @TempDir
    Path tmp;

    @Test
    void tensorBeyondTwoGigabytesIsMappedAndRead() throws Exception {
        long offset = 3L << 30; // 3 GiB into the data section
        ByteBuffer header = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        header.put("GGUF".getBytes()).putInt(3).putLong(1).putLong(0);
        byte[] name = "far.weight".getBytes();
        header.putLong(name.length).put(name).putInt(1).putLong(8).putInt(0).putLong(offset);
        int headerLength = header.position();
        long dataStart = (headerLength + 31) / 32 * 32;

        ByteBuffer values = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) values.putFloat(i + 0.5f);
        Path file = tmp.resolve("big.gguf");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(Arrays.copyOf(header.array(), headerLength));
            raf.seek(dataStart + offset);
            raf.write(values.array());
        }
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.fileSize()).isGreaterThan(Integer.MAX_VALUE);
            assertThat(Kernels.toFloatArray(f.tensor("far.weight"))).containsExactly(0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f);
        }
    }
}
