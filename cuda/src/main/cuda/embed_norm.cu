// Token (and learned position) embedding lookup, RMSNorm and LayerNorm: one block per row; the
// per-head q/k RMSNorm: one warp per head.
#include "common.cuh"

// x[r] = E[tokens[r]]·scale (+ P[pos[r]] when the model has learned positions, pq != 0); scale is
// 1, or √dim for Gemma (Architecture.scaleEmbedding). norm_w != 0: the first layer's RMSNorm
// folded in as matvec.cu's _residual products do it: xb[r] = x[r]·norm_w and norm_scale[r] =
// 1 / sqrt(mean(x[r]²) + eps), which the _normed products multiply their dot products with.
extern "C" __global__ void embed(const u8* eq, const u16* ed, int etype, int dim, float scale, const int* tokens,
                                 const u8* pq, const u16* pd, int ptype, const int* pos, float* x,
                                 const float* norm_w, float* xb, float* norm_scale, float eps) {
    after_previous_kernel();
    int r = blockIdx.x, t = tokens[r];
    float ss = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        float v = weight_at(eq, ed, etype, t, dim, i) * scale;
        if (pq) v += weight_at(pq, pd, ptype, pos[r], dim, i);
        x[(long long) r * dim + i] = v;
        if (norm_w) {
            xb[(long long) r * dim + i] = v * norm_w[i];
            ss += v * v;
        }
    }
    if (norm_w) {  // the same for the whole grid: block_sum's barriers are reached by every thread
        ss = block_sum(ss);
        if (threadIdx.x == 0) norm_scale[r] = rsqrtf(ss / dim + eps);
    }
}

// out = x / sqrt(mean(x²) + eps) · w; with xq != 0 (dim % 32 == 0) out is also stored as the int8
// input of the dp4a matrix-vector kernels (quantize_block: a warp's 32 values are one block).
// The first NORM_HELD values of a thread (dim ≤ NORM_HELD·blockDim: all of them) and their weights
// are loaded together before the block sum and kept in registers: the weight, last read a layer
// ago, comes from DRAM, and loading it after the sum put that latency on the step's critical path
// (a norm is one block of a 3 µs launch, 33 of them a step).
#define NORM_HELD 4
extern "C" __global__ void rms_norm(const float* x, const float* w, float* out, int dim, float eps, i8* xq, float2* xs) {
    const float* xr = x + (long long) blockIdx.x * dim;
    float* o = out + (long long) blockIdx.x * dim;
    float xv[NORM_HELD], wv[NORM_HELD], ss = 0.0f;
#pragma unroll
    for (int j = 0; j < NORM_HELD; j++) {
        int i = threadIdx.x + j * blockDim.x;
        wv[j] = i < dim ? w[i] : 0.0f;  // no kernel writes w: loaded before the wait
    }
    after_previous_kernel();
#pragma unroll
    for (int j = 0; j < NORM_HELD; j++) {
        int i = threadIdx.x + j * blockDim.x;
        xv[j] = i < dim ? xr[i] : 0.0f;
        ss += xv[j] * xv[j];
    }
    for (int i = threadIdx.x + NORM_HELD * blockDim.x; i < dim; i += blockDim.x) ss += xr[i] * xr[i];
    float scale = rsqrtf(block_sum(ss) / dim + eps);
    // a warp's lanes take the same branches (dim % 32 == 0 where xq != 0), as quantize_block needs
#pragma unroll
    for (int j = 0; j < NORM_HELD; j++) {
        int i = threadIdx.x + j * blockDim.x;
        if (i < dim) {
            float v = xv[j] * scale * wv[j];
            o[i] = v;
            if (xq) quantize_block(v, xq, xs, (long long) blockIdx.x * dim + (i & ~31));
        }
    }
    for (int i = threadIdx.x + NORM_HELD * blockDim.x; i < dim; i += blockDim.x) {
        float v = xr[i] * scale * w[i];
        o[i] = v;
        if (xq) quantize_block(v, xq, xs, (long long) blockIdx.x * dim + (i & ~31));
    }
}

// out += x / sqrt(mean(x²) + eps) · w: Gemma's post-attention and post-ffw norms, applied to a
// block's output before its residual add, the add included
extern "C" __global__ void rms_norm_add(const float* x, const float* w, float* out, int dim, float eps) {
    const float* xr = x + (long long) blockIdx.x * dim;
    float* o = out + (long long) blockIdx.x * dim;
    after_previous_kernel();
    float ss = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) ss += xr[i] * xr[i];
    float scale = rsqrtf(block_sum(ss) / dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) o[i] += xr[i] * scale * w[i];
}

// In place, RMSNorm of every q head (weight qw) and k head (weight kw) over its hd values, before
// RoPE (qwen3, gemma3). qkv rows as in rope_kv.cu at stride ld; grid (rows, heads + kv_heads), one
// warp a head.
extern "C" __global__ void head_norm(float* qkv, int ld, int heads, int hd, const float* qw, const float* kw, float eps) {
    after_previous_kernel();
    int h = blockIdx.y;
    float* v = qkv + (long long) blockIdx.x * ld + h * hd;  // k heads follow the q heads in the row
    const float* w = h < heads ? qw : kw;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < hd; i += 32) ss += v[i] * v[i];
    float scale = rsqrtf(warp_sum(ss) / hd + eps);
    for (int i = threadIdx.x; i < hd; i += 32) v[i] = v[i] * scale * w[i];
}

// out = (x − mean) / sqrt(var + eps) · w + b (two passes over the row: the variance of centred values);
// xq, xs as in rms_norm
extern "C" __global__ void layer_norm(const float* x, const float* w, const float* b, float* out, int dim, float eps, i8* xq, float2* xs) {
    const float* xr = x + (long long) blockIdx.x * dim;
    float* o = out + (long long) blockIdx.x * dim;
    after_previous_kernel();
    float s = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) s += xr[i];
    float mean = block_sum(s) / dim;
    float v = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) { float c = xr[i] - mean; v += c * c; }
    float scale = rsqrtf(block_sum(v) / dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        float u = (xr[i] - mean) * scale * w[i] + b[i];
        o[i] = u;
        if (xq) quantize_block(u, xq, xs, (long long) blockIdx.x * dim + (i & ~31));
    }
}
