package dev.bantam.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CI, where a C++ compiler is present: the int8 (dp4a) units of matvec.cu (Q8_0, Q4_0, Q4_K and
 * Q6_K: each type's load and dot) compiled for the host, with host definitions of __dp4a,
 * __vsubss4 and __ldg, on random blocks and a random int8 vector. Each row's sum of unit dots must
 * equal the float product of the same weights, decoded as the float kernels decode them
 * (common.cuh's group_value for Q6_K, in its padded device layout; weight_at's formulas for the others), with the vector's
 * int8 values times their block scale, to 1e-4 relative: the integer path loses nothing but
 * rounding once x is int8, so a wrong bit layout or scale index shows without a GPU.
 */
class Int8UnitsOnHostTest {
    private static final List<String> COMMON = List.of("void q4k_scale_min", "float u16_at", "float group_value", "long long row_bytes");
    private static final List<String> UNITS = List.of("Q8_0Units", "Q4_0Units", "Q4_KUnits", "Q6_KUnits");

    @TempDir
    Path tmp;

    @Test
    void unitDotsEqualTheFloatProductOfTheSameWeights() throws Exception {
        String compiler = onPath("g++");
        assumeTrue(compiler != null, "no g++ on the PATH");
        Path source = tmp.resolve("int8_units.cpp"), binary = tmp.resolve("int8_units");
        Files.writeString(source, hostProgram());
        run(compiler, "-O1", "-std=c++17", "-o", binary.toString(), source.toString());
        String out = run(binary.toString());
        assertThat(out).contains("worst relative");
    }

    private static String hostProgram() {
        String common = KernelSources.header("common.cuh"), matvec = KernelSources.source("matvec");
        StringBuilder s = new StringBuilder("""
                #include <cmath>
                #include <cstdio>
                #include <cstdlib>
                #include <cstring>
                typedef unsigned char u8; typedef signed char i8; typedef unsigned short u16; typedef unsigned int u32;
                """);
        s.append(SHIMS);
        s.append(WeightTypeHeader.text().replace("#pragma once", "")).append('\n');
        s.append(GroupValueOnHostTest.deviceBytesQ6K(common)).append('\n');
        for (String f : COMMON) s.append(block(common, "__device__ __forceinline__ " + f + "(")).append("\n\n");
        s.append(block(matvec, "__device__ __forceinline__ int xword(")).append("\n\n");
        s.append(block(matvec, "__device__ __forceinline__ uint4 load_w16(")).append("\n\n");
        for (String u : UNITS) s.append(block(matvec, "struct " + u + " ")).append(";\n\n");
        return s.append(MAIN).toString();
    }

    private static final String SHIMS = """
#define __device__
#define __forceinline__ inline
struct int4 { int x, y, z, w; }; struct uint4 { u32 x, y, z, w; }; struct uint2 { u32 x, y; }; struct float2 { float x, y; }; struct float4 { float x, y, z, w; };
static float2 make_float2(float a, float b) { return {a, b}; }
template <class T> static T __ldg(const T* p) { T v; memcpy(&v, p, sizeof v); return v; }
static int __dp4a(int a, int b, int c) { for (int i = 0; i < 4; i++) c += (int)(signed char)(a >> 8*i) * (int)(signed char)(b >> 8*i); return c; }
static int __vsubss4(int a, int b) { u32 r = 0; for (int i = 0; i < 4; i++) { int v = (int)(signed char)(a >> 8*i) - (int)(signed char)(b >> 8*i); if (v > 127) v = 127; if (v < -128) v = -128; r |= (u32)(u8)v << 8*i; } return (int) r; }
static float half_to_float(u16 h) { int e = (h >> 10) & 31, m = h & 1023;
  float v = e == 0 ? ldexpf((float) m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexpf((float) (m | 1024), e - 25); return (h >> 15) ? -v : v; }
""";

    private static final String MAIN = """
static float q4k_value(const u8* row, int i) {  // weight_at's Q4_K
    const u8* blk = row + (i >> 8) * 144; int j = i & 255, g = j >> 6, in = j & 63; float sc, mn;
    q4k_scale_min(2 * g + (in >= 32), blk + 4, &sc, &mn);
    u8 byte = blk[16 + 32 * g + (in & 31)]; int nib = in < 32 ? (byte & 15) : (byte >> 4);
    return half_to_float(*(const u16*) blk) * sc * nib - half_to_float(*(const u16*) (blk + 2)) * mn;
}
int main() {
    srand(7);
    const int cols = 1024, rows = 3;
    static i8 xq[cols]; static float2 xs[cols / 32]; static float xf[cols];
    for (int j = 0; j < cols / 32; j++) { float dx = 0.01f * (1 + rand() % 100); int s = 0;
        for (int l = 0; l < 32; l++) { int q = rand() % 255 - 127; xq[32*j+l] = q; s += q; xf[32*j+l] = dx * q; } xs[j] = {dx, dx * s}; }
    // Q4_K
    static u8 q4k[rows * cols / 256 * 144]; for (auto& b : q4k) b = rand();
    static u8 q6k[rows * cols / 256 * DEVICE_BYTES_Q6_K]; for (auto& b : q6k) b = rand();  // the padded device layout
    for (int r = 0; r < rows; r++) for (int s = 0; s < cols / 256; s++) {
        u8* b = q4k + (r * cols / 256 + s) * 144; u16 d = 0x2C00 + rand() % 256, m = 0x2800 + rand() % 256; memcpy(b, &d, 2); memcpy(b + 2, &m, 2);
        u8* c = q6k + (r * cols / 256 + s) * DEVICE_BYTES_Q6_K; u16 e = 0x2C00 + rand() % 256; memcpy(c + 208, &e, 2); }
    double worst = 0;
    for (int r = 0; r < rows; r++) {
        double ref = 0, got = 0;
        for (int i = 0; i < cols; i++) ref += (double) q4k_value(q4k + r * cols / 256 * 144, i) * xf[i];
        for (int u = 0; u < cols / Q4_KUnits::VALUES; u++) got += Q4_KUnits::dot(Q4_KUnits::load(q4k, nullptr, r, cols, u), xq, xs, u);
        printf("Q4_K row %d ref %.6f int8 %.6f\\n", r, ref, got); worst = fmax(worst, fabs(ref - got) / (fabs(ref) + 1e-3));
        ref = 0; got = 0;
        for (int i = 0; i < cols; i++) ref += (double) group_value(T_Q6_K, q6k + r * row_bytes(T_Q6_K, cols), i >> 5, i & 31) * xf[i];
        for (int u = 0; u < cols / Q6_KUnits::VALUES; u++) got += Q6_KUnits::dot(Q6_KUnits::load(q6k, nullptr, r, cols, u), xq, xs, u);
        printf("Q6_K row %d ref %.6f int8 %.6f\\n", r, ref, got); worst = fmax(worst, fabs(ref - got) / (fabs(ref) + 1e-3));
    }
    // Q8_0 and Q4_0, split layout: quants then scales
    static i8 q8[rows * cols]; static u16 d8[rows * cols / 32]; static u8 q4[rows * cols / 2]; static u16 d4[rows * cols / 32];
    for (auto& v : q8) v = rand(); for (auto& v : q4) v = rand(); for (auto& v : d8) v = 0x2C00 + rand() % 256; for (auto& v : d4) v = 0x2C00 + rand() % 256;
    for (int r = 0; r < rows; r++) {
        double ref = 0, got = 0;
        for (int i = 0; i < cols; i++) ref += (double) q8[r * cols + i] * half_to_float(d8[(r * cols + i) >> 5]) * xf[i];
        for (int u = 0; u < cols / 16; u++) got += Q8_0Units::dot(Q8_0Units::load((const u8*) q8, d8, r, cols, u), xq, xs, u);
        printf("Q8_0 row %d ref %.6f int8 %.6f\\n", r, ref, got); worst = fmax(worst, fabs(ref - got) / (fabs(ref) + 1e-3));
        ref = 0; got = 0;
        for (int i = 0; i < cols; i++) { long long e = (long long) r * cols + i, b = e >> 5; int j = e & 31; u8 byte = q4[b * 16 + (j & 15)];
            int nib = j < 16 ? (byte & 15) : (byte >> 4); ref += (double) (nib - 8) * half_to_float(d4[b]) * xf[i]; }
        for (int u = 0; u < cols / 32; u++) got += Q4_0Units::dot(Q4_0Units::load(q4, d4, r, cols, u), xq, xs, u);
        printf("Q4_0 row %d ref %.6f int8 %.6f\\n", r, ref, got); worst = fmax(worst, fabs(ref - got) / (fabs(ref) + 1e-3));
    }
    printf("worst relative %.3g\\n", worst);
    return worst < 1e-4 ? 0 : 1;
}
""";

    /** The text starting at {@code start}, through its matching closing brace. */
    private static String block(String code, String start) {
        int at = code.indexOf(start);
        assertThat(at).as("the kernel source defines " + start).isNotNegative();
        int depth = 0;
        for (int i = code.indexOf('{', at); ; i++) {
            if (code.charAt(i) == '{') depth++;
            else if (code.charAt(i) == '}' && --depth == 0) return code.substring(at, i + 1);
        }
    }

    /** Runs the command; it must exit 0 (the program exits 1 when a row is off), and its output is returned. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
        }
        return null;
    }
}
