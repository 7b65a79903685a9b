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
static_assert(BLOCK_SIZE_Q4_1 == 32 && BLOCK_BYTES_Q4_1 == 20, "Q4_1: fp16 d, m, 16 bytes of nibbles");
static_assert(BLOCK_SIZE_Q5_0 == 32 && BLOCK_BYTES_Q5_0 == 22, "Q5_0: fp16 d, 4 bytes of fifth bits, 16 bytes of nibbles");
static_assert(BLOCK_SIZE_Q5_1 == 32 && BLOCK_BYTES_Q5_1 == 24, "Q5_1: fp16 d, m, 4 bytes of fifth bits, 16 bytes of nibbles");
static_assert(BLOCK_SIZE_Q5_K == 256 && BLOCK_BYTES_Q5_K == 176, "Q5_K: fp16 d, dmin, 12 scale bytes, 32 bytes of fifth bits, 128 of nibbles");
static_assert(BLOCK_SIZE_Q6_K == 256 && BLOCK_BYTES_Q6_K == 210, "Q6_K: 128 bytes of low nibbles, 64 of high pairs, 16 int8 scales, fp16 d");

// the most sequences one matrix-vector launch multiplies (weights are read once for all of them)
#define MAX_BATCH 8

// Programmatic dependent launch (sm_90+; Gpu launches the compute_90 PTX with
// CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION). A kernel may then start while the one
// before it in the stream is still running, so that its launch, its blocks' start and the first
// reads of its weights (which no kernel writes) overlap the previous kernel's tail: at batch 1 a
// step is ~130 launches of a few microseconds each. Every kernel calls after_previous_kernel()
// before it reads or writes anything another kernel touches, unconditionally (before any early
// return: a grid finishes only after every block waited, which makes the waits transitive). It
// also lets the next kernel launch, one grid ahead at most. Without sm_90 both are no-ops.
__device__ __forceinline__ void after_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
    asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}

// Asks L2 for bytes [p, p + bytes) in 128-byte lines, lane `lane` of `step` threads taking every
// step-th line: the weights a block will stream, fetched while it waits for its inputs
// (after_previous_kernel). Compute_90 only, where that wait can overlap something.
// NO_PREFETCH (-Dbantam.cuda.define=NO_PREFETCH) turns it off, to compare.
__device__ __forceinline__ void prefetch_l2(const void* p, long long bytes, int lane, int step) {
#if __CUDA_ARCH__ >= 900 && !defined(NO_PREFETCH)
    for (long long o = (long long) lane * 128; o < bytes; o += (long long) step * 128)
        asm volatile("prefetch.global.L2 [%0];" :: "l"((const char*) p + o));
#endif
}

// The weights of the kernels that come next, pulled into L2 by a kernel that leaves DRAM mostly
// idle (decode attention: ~10 µs a layer reading a few MB of cache, while the o and [gate; up]
// products after it stream 75 MB): `plan` holds PREFETCH_RANGES (address, bytes) pairs of long
// longs, bytes 0 where unused (WeightPrefetch.java builds them, 16-byte aligned). Thread t of each
// block asks for the block's share of range t (the grid's blocks split every range evenly) with one
// bulk prefetch: the copy engine issues the lines, the threads do not wait. sm_90 only (the
// instruction is Hopper's); without it, or with NO_NEXT_PREFETCH, nothing.
#define PREFETCH_RANGES 6
__device__ __forceinline__ void prefetch_next_weights(const long long* plan) {
#if __CUDA_ARCH__ >= 900 && !defined(NO_NEXT_PREFETCH)
    if (plan == nullptr || threadIdx.x >= PREFETCH_RANGES) return;
    long long at = plan[2 * threadIdx.x], units = plan[2 * threadIdx.x + 1] >> 4;
    long long blocks = (long long) gridDim.x * gridDim.y * gridDim.z;
    long long b = blockIdx.x + (long long) gridDim.x * (blockIdx.y + (long long) gridDim.y * blockIdx.z);
    long long lo = units * b / blocks, hi = units * (b + 1) / blocks;
    if (hi > lo)
        asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;" :: "l"(at + 16 * lo), "r"((u32) (16 * (hi - lo))) : "memory");
#endif
}

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

// The KV cache's elements: f32, or f16 (CudaBackend's kv-type option: half the memory, and half
// the bytes decode attention reads), converted to and from f32 where they are stored and loaded
__device__ __forceinline__ float kv_get(const float* p) { return *p; }
__device__ __forceinline__ float kv_get(const u16* p) { return half_to_float(*p); }
__device__ __forceinline__ void kv_put(float* p, float v) { *p = v; }
__device__ __forceinline__ void kv_put(u16* p, float v) { *p = float_to_half(v); }

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

// GELU, tanh approximation (GPT-2's gelu_new, Gemma's gelu_pytorch_tanh)
__device__ __forceinline__ float gelu_tanh(float v) {
    return 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
}

// The gate's activation: act GATE_SILU (SwiGLU) or GATE_GELU (GeGLU), DeviceKernels' constants;
// activations.cu's gated and gated_rows, matvec.cu's gated batch-1 products
#define GATE_SILU 0
#define GATE_GELU 1
__device__ __forceinline__ float gate_act(float g, int act) {
    return act == GATE_GELU ? gelu_tanh(g) : g / (1.0f + expf(-g));
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

// The int8 input of the dp4a matrix-vector kernels (matvec.cu): a warp whose 32 lanes hold values
// i..i+31 (i % 32 == 0) of a vector stores them as one block, xq[i + lane] = round(v / dx) with the
// block's absolute maximum at ±127, and xs[i / 32] = (dx, dx·Σq) (the sum for types with offsets).
// Called by the kernels that produce a product's input (norms, attention combine, gated
// activation) so that no separate launch quantizes it; every lane of the warp must call it.
__device__ __forceinline__ void quantize_block(float v, i8* xq, float2* xs, long long i) {
    float amax = warp_max(fabsf(v));
    float dx = amax / 127.0f;
    int q = amax > 0.0f ? __float2int_rn(v / dx) : 0;
    xq[i + (threadIdx.x & 31)] = (i8) q;
    float sum = warp_sum((float) q);  // exact: |Σq| ≤ 32·127
    if ((threadIdx.x & 31) == 0) xs[i >> 5] = make_float2(dx, dx * sum);
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

// Q6_K's device layout: each 210-byte super-block padded to 224 bytes (a multiple of 16; layout.cu's
// pad_q6_k at load), its fields at the file's offsets, so that every super-block starts 16-byte
// aligned and the int8 units read 16-byte vectors instead of 2-byte halves (matvec.cu's Q6_KUnits).
// DeviceType.Q6_K_DEVICE_BYTES is the same number (KernelSourcesTest).
#define DEVICE_BYTES_Q6_K 224

// Value l (0..31) of 32-value group j of a row in the file's layout (rowp: the row's first byte),
// for the types kept as in the file whose blocks are not 16-byte multiples: Q4_1, Q5_0, Q5_1 (a
// group is a block) and the K-quants Q5_K, Q6_K (a group is one eighth of a 256-value super-block;
// Q6_K's super-blocks DEVICE_BYTES_Q6_K apart).
// Unaligned multi-byte fields are read byte by byte. ggml's dequantize_row_* give the bit layouts.
__device__ __forceinline__ float u16_at(const u8* p) { return half_to_float((u16) (p[0] | (p[1] << 8))); }

__device__ __forceinline__ float group_value(int type, const u8* rowp, int j, int l) {
    switch (type) {
        case T_Q4_1: {
            const u8* b = rowp + (long long) j * BLOCK_BYTES_Q4_1;
            int nib = l < 16 ? (b[4 + l] & 15) : (b[4 + l - 16] >> 4);
            return u16_at(b) * nib + u16_at(b + 2);
        }
        case T_Q5_0:
        case T_Q5_1: {
            bool m = type == T_Q5_1;
            const u8* b = rowp + (long long) j * (m ? BLOCK_BYTES_Q5_1 : BLOCK_BYTES_Q5_0);
            const u8* qh = b + (m ? 4 : 2);
            const u8* qs = qh + 4;
            int nib = l < 16 ? (qs[l] & 15) : (qs[l - 16] >> 4);
            int v = nib | (((qh[l >> 3] >> (l & 7)) & 1) << 4);  // bit l of the little-endian u32 qh
            return m ? u16_at(b) * v + u16_at(b + 2) : u16_at(b) * (v - 16);
        }
        case T_Q5_K: {
            const u8* b = rowp + (long long) (j >> 3) * BLOCK_BYTES_Q5_K;
            int sub = j & 7, g = sub >> 1;
            float sc, mn;
            q4k_scale_min(sub, b + 4, &sc, &mn);
            u8 ql = b[48 + 32 * g + l];
            int v = ((sub & 1) ? (ql >> 4) : (ql & 15)) + (((b[16 + l] >> sub) & 1) << 4);
            return u16_at(b) * sc * v - u16_at(b + 2) * mn;
        }
        case T_Q6_K: {
            const u8* b = rowp + (long long) (j >> 3) * DEVICE_BYTES_Q6_K;
            int sub = j & 7, h = sub >> 2, part = sub & 3;  // half of the super-block; which of its four 32-value runs
            u8 low = b[64 * h + l + 32 * (part & 1)];
            int nib = part >= 2 ? (low >> 4) : (low & 15);
            int hi = (b[128 + 32 * h + l] >> (2 * part)) & 3;
            float sc = (float) (signed char) b[192 + 8 * h + (l >> 4) + 2 * part];
            return u16_at(b + 208) * sc * (float) ((nib | (hi << 4)) - 32);
        }
    }
    return 0.0f;
}

// Bytes of one row of `cols` values in the file's layout of a block type (Q6_K: padded).
__device__ __forceinline__ long long row_bytes(int type, int cols) {
    switch (type) {
        case T_Q4_1: return (long long) (cols / BLOCK_SIZE_Q4_1) * BLOCK_BYTES_Q4_1;
        case T_Q5_0: return (long long) (cols / BLOCK_SIZE_Q5_0) * BLOCK_BYTES_Q5_0;
        case T_Q5_1: return (long long) (cols / BLOCK_SIZE_Q5_1) * BLOCK_BYTES_Q5_1;
        case T_Q5_K: return (long long) (cols / BLOCK_SIZE_Q5_K) * BLOCK_BYTES_Q5_K;
        case T_Q6_K: return (long long) (cols / BLOCK_SIZE_Q6_K) * DEVICE_BYTES_Q6_K;
    }
    return 0;
}

// Element (row, i) of a matrix in its device layout (see DeviceMatrix.java): F32/F16/BF16 and
// Q4_K and the types of group_value as in the file; Q8_0 and Q4_0 split into quants q and fp16 block scales d so that the
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
        case T_Q4_1: case T_Q5_0: case T_Q5_1: case T_Q5_K: case T_Q6_K:
            return group_value(type, q + row * row_bytes(type, cols), i >> 5, i & 31);
    }
    return 0.0f;
}
