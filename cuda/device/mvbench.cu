// Matrix-vector kernels of matvec.cu alone, on the shapes of a llama-1b decode step, for choosing
// the launch geometry (warps per row, blocks in the grid-stride walk) with evidence. Sixteen copies
// of each layer matrix are walked in turn, as a decode step walks its layers, so that a matrix is
// never served from the 50 MB L2; values are arbitrary (speed does not depend on them).
// Built where nvcc is (this needs no Java): nice -n 19 nvcc -O3 -arch=sm_90 -Icuda/src/main/cuda
// -Icuda/target/generated-cuda [-DUNITS=n -DHALF_UNITS=n -DUNITS_B1=n -DHALF_UNITS_B1=n -DSTREAM_LOADS]
// -o .devcarry/mvbench-X cuda/device/mvbench.cu, carried to the GPU machine and run there
// (argument: a kernel name, e.g. q4_k, to run only that one). B1 rows use the NAME_b1 kernels.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <cuda_runtime.h>
#include "matvec.cu"

#define CHECK(x) do { cudaError_t err_ = (x); if (err_ != cudaSuccess) { printf("%s: %s\n", #x, cudaGetErrorString(err_)); exit(1); } } while (0)

typedef void (*Float)(MATVEC_ARGS);
typedef void (*Int8)(MATVEC8_ARGS);

struct Shape { const char* name; int rows, cols, copies; };

static int sms;

// µs per launch of `kernel` over `copies` buffers of `bytes` each, grid = `grid` blocks of 128
template <class K, class... A>
static float time_launches(K kernel, int grid, int reps, std::vector<const u8*>& w, const u16* d, A... rest) {
    cudaEvent_t s, e;
    cudaEventCreate(&s);
    cudaEventCreate(&e);
    for (size_t c = 0; c < w.size(); c++) kernel<<<grid, 128>>>(w[c], d, rest...);  // warm-up
    cudaEventRecord(s);
    for (int r = 0; r < reps; r++)
        for (size_t c = 0; c < w.size(); c++) kernel<<<grid, 128>>>(w[c], d, rest...);
    cudaEventRecord(e);
    CHECK(cudaEventSynchronize(e));
    float ms;
    cudaEventElapsedTime(&ms, s, e);
    return 1e3f * ms / (reps * w.size());
}

int main(int argc, char** argv) {
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
    const char* only = argc > 1 ? argv[1] : "";
    printf("%d SMs, UNITS %d, HALF_UNITS %d, UNITS_B1 %d, HALF_UNITS_B1 %d\n", sms, UNITS, HALF_UNITS, UNITS_B1, HALF_UNITS_B1);
    float *x, *y;
    i8* xq;
    float2* xs;
    u16* dsc;
    CHECK(cudaMalloc(&x, 4 * 8 * 8192));
    CHECK(cudaMalloc(&y, 4 * 8 * 128256));
    CHECK(cudaMalloc(&xq, 8 * 8192));
    CHECK(cudaMalloc(&xs, 8 * 8 * 8192 / 32));
    CHECK(cudaMalloc(&dsc, 2 * (size_t) 128256 * 2048 / 32));
    cudaMemset(x, 0, 4 * 8 * 8192);
    cudaMemset(xq, 1, 8 * 8192);
    cudaMemset(xs, 0, 8 * 8 * 8192 / 32);
    cudaMemset(dsc, 0, 2 * (size_t) 128256 * 2048 / 32);
    Shape shapes[] = {{"qkv", 3072, 2048, 16}, {"o", 2048, 2048, 16}, {"gate|up", 16384, 2048, 16}, {"down", 2048, 8192, 16},
                      {"lm head", 128256, 2048, 1}, {"k|v", 512, 2048, 16}};
    struct Kern { const char* name; Float f; Int8 i; Float f1; Int8 i1; double bytesPerValue; };  // f1, i1: the _b1 kernels
    Kern kerns[] = {{"bf16", matvec_bf16, nullptr, matvec_bf16_b1, nullptr, 2.0},
                    {"q8_0", nullptr, matvec8_q8_0, nullptr, matvec8_q8_0_b1, 34.0 / 32},
                    {"q4_k", nullptr, matvec8_q4_k, nullptr, matvec8_q4_k_b1, 144.0 / 256},
                    {"q6_k", nullptr, matvec8_q6_k, nullptr, matvec8_q6_k_b1, 210.0 / 256}};
    for (int k = 0; k < 4; k++) {
        for (int one = 0; one < 2; one++) {
            const void* f = one ? (kerns[k].f1 ? (const void*) kerns[k].f1 : (const void*) kerns[k].i1)
                                : (kerns[k].f ? (const void*) kerns[k].f : (const void*) kerns[k].i);
            cudaFuncAttributes a;
            cudaFuncGetAttributes(&a, f);
            int blocks;
            cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, f, 128, 0);
            printf("%s%s: %d registers, %d blocks of 128 per SM\n", kerns[k].name, one ? "_b1" : "", a.numRegs, blocks);
        }
    }
    for (int k = 0; k < 4; k++) {
        if (*only && !strstr(only, kerns[k].name)) continue;
        for (auto& sh : shapes) {
            size_t bytes = (size_t) ((double) sh.rows * sh.cols * kerns[k].bytesPerValue);
            std::vector<const u8*> w(sh.copies);
            for (auto& p : w) { u8* b; CHECK(cudaMalloc(&b, bytes + 256)); cudaMemset(b, 0x11, bytes + 256); p = b; }
            for (int batch : {1, 4}) {
                for (int split : {1, 2, 4}) {
                    int groups = (sh.rows + 4 / split - 1) / (4 / split);
                    printf("%-5s %-8s B%d split %d:", kerns[k].name, sh.name, batch, split);
                    {
                        int grid = groups, reps = sh.copies == 1 ? 20 : 10;
                        Float f = batch == 1 ? kerns[k].f1 : kerns[k].f;
                        Int8 i = batch == 1 ? kerns[k].i1 : kerns[k].i;
                        float us = f
                                ? time_launches(f, grid, reps, w, dsc, sh.rows, sh.cols, x, sh.cols, batch, (const float*) nullptr, y, sh.rows, 0, split)
                                : time_launches(i, grid, reps, w, dsc, sh.rows, sh.cols, xq, xs, batch, (const float*) nullptr, y, sh.rows, 0, split);
                        printf("  all%d %7.2f us %5.2f TB/s", groups, us, bytes / us / 1e6);
                    }
                    printf("\n");
                }
            }
            for (auto p : w) cudaFree((void*) p);
        }
    }
    CHECK(cudaDeviceSynchronize());
    return 0;
}
