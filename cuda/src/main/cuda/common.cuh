// Shared by every kernel file. No standard headers: NVRTC compiles these sources at run time
// when the jar holds no prebuilt PTX, and it has none.
#pragma once

typedef unsigned char u8;
typedef signed char i8;
typedef unsigned short u16;
typedef unsigned int u32;

#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif

// T_NAME (GGUF weight type id), BLOCK_SIZE_NAME and BLOCK_BYTES_NAME of each type the backend runs,
// generated from dev.bantam.core.tensor.WeightType (WeightTypeHeader): by the build for nvcc, at
// run time for NVRTC. The table lives in Java only.
#include "weight_types.cuh"

// The block geometry the kernels are written for: the shifts, masks and 16-byte loads in
// weight_at, layout.cu and matvec.cu depend on it, so a WeightType that disagrees stops the
// compile here (WeightTypeHeaderTest checks these lines against WeightType without a compiler).
static_assert(BLOCK_SIZE_F32 == 1 && BLOCK_BYTES_F32 == 4, "F32: 4-byte floats");
static_assert(BLOCK_SIZE_F16 == 1 && BLOCK_BYTES_F16 == 2, "F16: 2-byte halves");
static_assert(BLOCK_SIZE_BF16 == 1 && BLOCK_BYTES_BF16 == 2, "BF16: 2-byte bfloat16");
static_assert(BLOCK_SIZE_Q8_0 == 32 && BLOCK_BYTES_Q8_0 == 34, "Q8_0: fp16 scale + 32 int8 quants");
static_assert(BLOCK_SIZE_Q4_0 == 32 && BLOCK_BYTES_Q4_0 == 18, "Q4_0: fp16 scale + 16 bytes of nibbles");
static_assert(BLOCK_SIZE_Q4_K == 256 && BLOCK_BYTES_Q4_K == 144, "Q4_K: fp16 d, dmin, 12 scale bytes, 128 bytes of nibbles");

// the most sequences one matrix-vector launch multiplies (weights are read once for all of them)
#define MAX_BATCH 8

__device__ __forceinline__ float half_to_float(u16 h) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
}

__device__ __forceinline__ u16 float_to_half(float f) {
    u16 h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}

__device__ __forceinline__ float bf16_to_float(u16 b) { return __uint_as_float(((u32) b) << 16); }

__device__ __forceinline__ u16 float_to_bf16(float f) {
    u32 u = __float_as_uint(f);
    u += 0x7FFF + ((u >> 16) & 1);  // round to nearest even
    return (u16) (u >> 16);
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffff, v, o));
    return v;
}

// Sum over a block of at most 1024 threads; every thread gets the result.
__device__ float block_sum(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_sum(v);
    __syncthreads();  // partial[] may still be read by a previous call
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    int warps = (blockDim.x + 31) >> 5;
    v = lane < warps ? partial[lane] : 0.0f;
    return warp_sum(v);
}

// Q4_K's packed 6-bit scale and min of sub-block j (llama.cpp's get_scale_min_k4).
__device__ __forceinline__ void q4k_scale_min(int j, const u8* s, float* sc, float* mn) {
    if (j < 4) {
        *sc = (float) (s[j] & 63);
        *mn = (float) (s[j + 4] & 63);
    } else {
        *sc = (float) ((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
        *mn = (float) ((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

// Element (row, i) of a matrix in its device layout (see DeviceMatrix.java): F32/F16/BF16 and
// Q4_K as in the file; Q8_0 and Q4_0 split into quants q and fp16 block scales d so that the
// matrix-vector kernels read aligned 16-byte vectors. For lookups and dequantization, not matvec.
__device__ float weight_at(const u8* q, const u16* d, int type, long long row, int cols, int i) {
    long long e = row * cols + i;
    switch (type) {
        case T_F32: return ((const float*) q)[e];
        case T_F16: return half_to_float(((const u16*) q)[e]);
        case T_BF16: return bf16_to_float(((const u16*) q)[e]);
        case T_Q8_0: return (float) ((const i8*) q)[e] * half_to_float(d[e >> 5]);
        case T_Q4_0: {
            long long b = e >> 5;
            int j = (int) (e & 31);
            u8 byte = q[b * 16 + (j & 15)];
            int nib = j < 16 ? (byte & 15) : (byte >> 4);
            return (float) (nib - 8) * half_to_float(d[b]);
        }
        case T_Q4_K: {
            const u8* blk = q + (e >> 8) * BLOCK_BYTES_Q4_K;
            int j = (int) (e & 255), g = j >> 6, in = j & 63;
            float sc, mn;
            q4k_scale_min(2 * g + (in >= 32), blk + 4, &sc, &mn);
            u8 byte = blk[16 + 32 * g + (in & 31)];
            int nib = in < 32 ? (byte & 15) : (byte >> 4);
            return half_to_float(*(const u16*) blk) * sc * nib - half_to_float(*(const u16*) (blk + 2)) * mn;
        }
    }
    return 0.0f;
}
