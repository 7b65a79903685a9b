package dev.bantam.cuda;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CI, where a C++ compiler is present: the kernels' decoding of the types kept in the file's
 * layout (common.cuh's {@code group_value}, used by their matrix-vector kernels, the embedding
 * lookup and the prefill dequantization) compiled for the host and run on the llama-256 fixtures,
 * against llama.cpp's gguf-py dequantization of the same rows (fixtures/tiny/llama-256/dequant.json).
 * The functions are taken from the kernel source as it ships, with host definitions of the few
 * device intrinsics they use; a GPU is not needed to find a wrong bit layout.
 */
class GroupValueOnHostTest {
    private static final List<String> FUNCTIONS = List.of("void q4k_scale_min", "float u16_at", "float group_value", "long long row_bytes");
    private static final String TENSOR = "blk.0.ffn_down.weight";

    @TempDir
    Path tmp;

    @Test
    void decodesEveryFileLayoutTypeAsLlamaCppDoes() throws Exception {
        String compiler = onPath("g++");
        assumeTrue(compiler != null, "no g++ on the PATH");
        Path source = tmp.resolve("group_value.cpp"), binary = tmp.resolve("group_value");
        Files.writeString(source, hostProgram());
        run(compiler, "-O1", "-o", binary.toString(), source.toString());
        for (String type : List.of("Q4_1", "Q5_0", "Q5_1", "Q5_K", "Q6_K")) {
            String t = type.toLowerCase();
            Path raw = tmp.resolve(t + ".bin"), out = tmp.resolve(t + ".f32");
            int cols;
            try (GgufFile f = GgufFile.open(Fixtures.tinyGguf("llama-256", t))) {
                TensorView v = f.tensor(TENSOR);
                assertThat(v.type().name()).isEqualTo(type);
                cols = v.cols();
                Files.write(raw, v.data().toArray(ValueLayout.JAVA_BYTE));
            }
            run(binary.toString(), String.valueOf(DeviceType.of(dev.bantam.core.tensor.WeightType.valueOf(type)).orElseThrow().type().id),
                    String.valueOf(cols), raw.toString(), out.toString());
            float[] actual = floats(out), expected = Fixtures.floats(Fixtures.path("tiny/llama-256/dequant-" + t + "-rows0-3.f32"));
            assertThat(actual).as(type + " rows 0-3 of " + TENSOR).hasSize(expected.length).containsExactly(expected);
        }
    }

    /** The functions of common.cuh that decode a value, with host stand-ins for the device qualifiers and half_to_float. */
    private static String hostProgram() {
        String common = KernelSources.header("common.cuh");
        StringBuilder s = new StringBuilder("""
                #include <cmath>
                #include <cstdio>
                #include <cstdlib>
                #include <cstring>
                typedef unsigned char u8; typedef signed char i8; typedef unsigned short u16; typedef unsigned int u32;
                #define __device__
                #define __forceinline__ inline
                static float half_to_float(u16 h) {  // IEEE binary16, subnormals included
                    int e = (h >> 10) & 31, m = h & 1023;
                    float v = e == 0 ? ldexpf((float) m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexpf((float) (m | 1024), e - 25);
                    return (h >> 15) ? -v : v;
                }
                """);
        s.append(WeightTypeHeader.text().replace("#pragma once", "")).append('\n');
        s.append(deviceBytesQ6K(common)).append('\n');
        for (String f : FUNCTIONS) s.append(function(common, "__device__ __forceinline__ " + f + "(")).append("\n\n");
        s.append("""
                int main(int argc, char** argv) {  // TYPE COLS RAW OUT: rows 0-3 as float32
                    int type = atoi(argv[1]), cols = atoi(argv[2]);
                    FILE* in = fopen(argv[3], "rb");
                    static u8 file[1 << 24], bytes[1 << 24];
                    size_t n = fread(file, 1, sizeof file, in);
                    memcpy(bytes, file, n);
                    if (type == T_Q6_K)  // the device layout, as layout.cu's pad_q6_k makes it
                        for (size_t b = 0; b < n / BLOCK_BYTES_Q6_K; b++) {
                            memset(bytes + b * DEVICE_BYTES_Q6_K, 0, DEVICE_BYTES_Q6_K);
                            memcpy(bytes + b * DEVICE_BYTES_Q6_K, file + b * BLOCK_BYTES_Q6_K, BLOCK_BYTES_Q6_K);
                        }
                    FILE* out = fopen(argv[4], "wb");
                    for (int r = 0; r < 4; r++)
                        for (int i = 0; i < cols; i++) {
                            float v = group_value(type, bytes + r * row_bytes(type, cols), i >> 5, i & 31);
                            fwrite(&v, 4, 1, out);
                        }
                    return fclose(out);
                }
                """);
        return s.toString();
    }

    /** common.cuh's line {@code #define DEVICE_BYTES_Q6_K N}: the padded super-block that group_value and row_bytes step by. */
    static String deviceBytesQ6K(String common) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^#define DEVICE_BYTES_Q6_K \\d+$").matcher(common);
        assertThat(m.find()).as("common.cuh defines DEVICE_BYTES_Q6_K").isTrue();
        return m.group();
    }

    /** The text of the function starting at {@code signature}, through its matching closing brace. */
    private static String function(String code, String signature) {
        int start = code.indexOf(signature);
        assertThat(start).as("common.cuh defines " + signature).isNotNegative();
        int depth = 0;
        for (int i = code.indexOf('{', start); ; i++) {
            if (code.charAt(i) == '{') depth++;
            else if (code.charAt(i) == '}' && --depth == 0) return code.substring(start, i + 1);
        }
    }

    private static float[] floats(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
        }
        return null;
    }
}
