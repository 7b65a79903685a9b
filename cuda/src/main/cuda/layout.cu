// Weight layout and precision conversions: splitting Q8_0/Q4_0 blocks into aligned quants and
// scales at load, padding Q6_K's super-blocks to 16-byte multiples, and dequantizing a matrix (or converting activations) for cuBLAS in prefill.
#include "common.cuh"

// raw Q8_0 blocks (fp16 d, 32 int8) → quants q[32·n] and scales d[n]
extern "C" __global__ void split_q8_0(const u8* raw, i8* q, u16* d, long long blocks) {
    after_previous_kernel();
    for (long long b = blockIdx.x * (long long) blockDim.x + threadIdx.x; b < blocks; b += (long long) gridDim.x * blockDim.x) {
        const u8* src = raw + b * BLOCK_BYTES_Q8_0;
        d[b] = (u16) (src[0] | (src[1] << 8));
        for (int j = 0; j < BLOCK_SIZE_Q8_0; j++) q[b * BLOCK_SIZE_Q8_0 + j] = (i8) src[2 + j];
    }
}

// raw Q4_0 blocks (fp16 d, 16 bytes of nibbles) → nibbles q[16·n] and scales d[n]
extern "C" __global__ void split_q4_0(const u8* raw, u8* q, u16* d, long long blocks) {
    after_previous_kernel();
    for (long long b = blockIdx.x * (long long) blockDim.x + threadIdx.x; b < blocks; b += (long long) gridDim.x * blockDim.x) {
        const u8* src = raw + b * BLOCK_BYTES_Q4_0;
        d[b] = (u16) (src[0] | (src[1] << 8));
        for (int j = 0; j < BLOCK_SIZE_Q4_0 / 2; j++) q[b * (BLOCK_SIZE_Q4_0 / 2) + j] = src[2 + j];
    }
}

// raw Q6_K super-blocks (210 bytes) → the padded device layout (common.cuh's DEVICE_BYTES_Q6_K): the
// file's bytes at the same offsets of each block, zeros after them; one thread an output byte
extern "C" __global__ void pad_q6_k(const u8* raw, u8* out, long long blocks) {
    after_previous_kernel();
    long long n = blocks * DEVICE_BYTES_Q6_K;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < n; e += (long long) gridDim.x * blockDim.x) {
        long long b = e / DEVICE_BYTES_Q6_K;
        int o = (int) (e - b * DEVICE_BYTES_Q6_K);
        out[e] = o < BLOCK_BYTES_Q6_K ? raw[b * BLOCK_BYTES_Q6_K + o] : 0;
    }
}

#define OUT_F16 0
#define OUT_BF16 1
#define OUT_F32 2

__device__ __forceinline__ void store_as(void* out, long long i, float v, int out_type) {
    if (out_type == OUT_F16) ((u16*) out)[i] = float_to_half(v);
    else if (out_type == OUT_BF16) ((u16*) out)[i] = float_to_bf16(v);
    else ((float*) out)[i] = v;
}

// rows × cols of a weight matrix → out (f16, bf16 or f32), row-major; blocks walk whole rows, so
// that no thread divides a 64-bit element index by cols (a flat grid-stride loop did, per element)
extern "C" __global__ void dequantize(const u8* q, const u16* d, int type, int rows, int cols, void* out, int out_type) {
    after_previous_kernel();
    for (int row = blockIdx.x; row < rows; row += gridDim.x) {
        for (int i = threadIdx.x; i < cols; i += blockDim.x) {
            store_as(out, (long long) row * cols + i, weight_at(q, d, type, row, cols, i), out_type);
        }
    }
}

// f32 activations → f16 / bf16 (the operand type of the weights they multiply)
extern "C" __global__ void convert_f32(const float* x, long long n, void* out, int out_type) {
    after_previous_kernel();
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < n; e += (long long) gridDim.x * blockDim.x) {
        store_as(out, e, x[e], out_type);
    }
}
