// Causal attention of each new row's query over its sequence's cached keys and values, split-K
// flash-decoding: the positions 0..pos[r] are cut into chunks, one block per (chunk, head, row)
// keeps an online softmax (running max m, sum l, unnormalized output), and a second kernel merges
// the chunks. Prefill rows use the same kernels (each row attends to its own prefix), so decode
// and prefill agree to rounding. Grouped-query heads share their kv head (h / (heads / kv_heads)).
// A layer with a sliding window (window > 0) sees key j from query i iff 0 <= i - j < window:
// chunks wholly before the window stay empty (m = -inf, l = 0) and weigh nothing in the combine.
#include "common.cuh"

#define WARPS 4
#define MAX_HD 256
#define DPL (MAX_HD / 32)

extern "C" __global__ void attn_partial(const float* qkv, int ld, const float* kcache, const float* vcache,
                                        const int* seq, const int* pos, int heads, int kv_heads, int hd, int capacity,
                                        int chunk, int window, float scale, float* part_acc, float* part_ml) {
    int s = blockIdx.x, h = blockIdx.y, r = blockIdx.z, splits = gridDim.x;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int kvd = kv_heads * hd, kvh = h / (heads / kv_heads);
    int begin = s * chunk, end = min(begin + chunk, pos[r] + 1);
    if (window > 0) begin = max(begin, pos[r] - window + 1);
    const float* q = qkv + (long long) r * ld + h * hd;
    const float* kbase = kcache + (long long) seq[r] * capacity * kvd + kvh * hd;
    const float* vbase = vcache + (long long) seq[r] * capacity * kvd + kvh * hd;

    float qv[DPL], acc[DPL];
#pragma unroll
    for (int j = 0; j < DPL; j++) {
        int d = lane + 32 * j;
        qv[j] = d < hd ? q[d] * scale : 0.0f;
        acc[j] = 0.0f;
    }
    float m = -INFINITY, l = 0.0f;
    // two positions per step, their loads issued together: the walk is bound by memory latency
    for (int p = begin + warp; p < end; p += 2 * WARPS) {
        int p2 = p + WARPS;
        bool two = p2 < end;
        const float* kp = kbase + (long long) p * kvd;
        const float* kp2 = kbase + (long long) (two ? p2 : p) * kvd;
        const float* vp = vbase + (long long) p * kvd;
        const float* vp2 = vbase + (long long) (two ? p2 : p) * kvd;
        float kv1[DPL], kv2[DPL], vv1[DPL], vv2[DPL];
#pragma unroll
        for (int j = 0; j < DPL; j++) {
            int d = lane + 32 * j;
            kv1[j] = d < hd ? kp[d] : 0.0f;
            kv2[j] = d < hd ? kp2[d] : 0.0f;
            vv1[j] = d < hd ? vp[d] : 0.0f;
            vv2[j] = d < hd ? vp2[d] : 0.0f;
        }
        float dot1 = 0.0f, dot2 = 0.0f;
#pragma unroll
        for (int j = 0; j < DPL; j++) {
            dot1 += qv[j] * kv1[j];
            dot2 += qv[j] * kv2[j];
        }
        float s1 = warp_sum(dot1), s2 = two ? warp_sum(dot2) : -INFINITY;
        float mNew = fmaxf(m, fmaxf(s1, s2)), corr = __expf(m - mNew);
        float e1 = __expf(s1 - mNew), e2 = two ? __expf(s2 - mNew) : 0.0f;
        l = l * corr + e1 + e2;
#pragma unroll
        for (int j = 0; j < DPL; j++) acc[j] = acc[j] * corr + e1 * vv1[j] + e2 * vv2[j];
        m = mNew;
    }

    __shared__ float sm[WARPS], sl[WARPS], sacc[WARPS][MAX_HD];
    if (lane == 0) { sm[warp] = m; sl[warp] = l; }
#pragma unroll
    for (int j = 0; j < DPL; j++) {
        int d = lane + 32 * j;
        if (d < hd) sacc[warp][d] = acc[j];
    }
    __syncthreads();
    float M = -INFINITY;
    for (int w = 0; w < WARPS; w++) M = fmaxf(M, sm[w]);
    long long part = ((long long) r * heads + h) * splits + s;
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        float a = 0.0f;
        for (int w = 0; w < WARPS; w++) if (sm[w] != -INFINITY) a += sacc[w][d] * __expf(sm[w] - M);
        part_acc[part * hd + d] = a;
    }
    if (threadIdx.x == 0) {
        float L = 0.0f;
        for (int w = 0; w < WARPS; w++) if (sm[w] != -INFINITY) L += sl[w] * __expf(sm[w] - M);
        part_ml[2 * part] = M;
        part_ml[2 * part + 1] = L;
    }
}

// out[r][h·hd + d] = Σ_s acc_s[d]·e^(m_s − M) / Σ_s l_s·e^(m_s − M); grid (heads, rows). Each
// split's weight e^(m_s − M) / L is computed once, in shared memory (at most MAX_SPLITS splits).
#define MAX_SPLITS 64
extern "C" __global__ void attn_combine(const float* part_acc, const float* part_ml, int splits, int heads, int hd,
                                        float* out, int ld_out, i8* xq, float2* xs) {
    __shared__ float weight[MAX_SPLITS];
    int h = blockIdx.x, r = blockIdx.y;
    long long first = ((long long) r * heads + h) * splits;
    float ms = -INFINITY, ls = 0.0f;
    if (threadIdx.x < splits) {
        ms = part_ml[2 * (first + threadIdx.x)];
        ls = part_ml[2 * (first + threadIdx.x) + 1];
    }
    // blockDim.x is 64 = MAX_SPLITS: two warps reduce, then combine through shared memory
    __shared__ float wm[2], wl[2];
    float M = warp_max(ms);
    if ((threadIdx.x & 31) == 0) wm[threadIdx.x >> 5] = M;
    __syncthreads();
    M = fmaxf(wm[0], wm[1]);
    float e = ms == -INFINITY ? 0.0f : __expf(ms - M);
    float L = warp_sum(ls * e);
    if ((threadIdx.x & 31) == 0) wl[threadIdx.x >> 5] = L;
    __syncthreads();
    L = wl[0] + wl[1];
    if (threadIdx.x < splits) weight[threadIdx.x] = e / L;
    __syncthreads();
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        float a = 0.0f;
#pragma unroll 8
        for (int s = 0; s < splits; s++) a += part_acc[(first + s) * hd + d] * weight[s];
        out[(long long) r * ld_out + h * hd + d] = a;
        // the int8 input of the output projection (hd % 32 == 0: each warp holds one block)
        if (xq) quantize_block(a, xq, xs, (long long) r * heads * hd + h * hd + (d & ~31));
    }
}
