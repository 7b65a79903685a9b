// Causal attention of each new row's query over its sequence's cached keys and values, split-K
// flash-decoding: the positions 0..pos[r] are cut into chunks, one block per (chunk, head, row)
// keeps an online softmax (running max m, sum l, unnormalized output), and a second kernel merges
// the chunks. Prefill rows use the same kernels (each row attends to its own prefix), so decode
// and prefill agree to rounding. Grouped-query heads share their kv head (h / (heads / kv_heads)).
#include "common.cuh"

#define WARPS 4
#define MAX_HD 256
#define DPL (MAX_HD / 32)

extern "C" __global__ void attn_partial(const float* qkv, int ld, const float* kcache, const float* vcache,
                                        const int* seq, const int* pos, int heads, int kv_heads, int hd, int capacity,
                                        int chunk, float scale, float* part_acc, float* part_ml) {
    int s = blockIdx.x, h = blockIdx.y, r = blockIdx.z, splits = gridDim.x;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int kvd = kv_heads * hd, kvh = h / (heads / kv_heads);
    int begin = s * chunk, end = min(begin + chunk, pos[r] + 1);
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
    for (int p = begin + warp; p < end; p += WARPS) {
        const float* kp = kbase + (long long) p * kvd;
        float dot = 0.0f;
#pragma unroll
        for (int j = 0; j < DPL; j++) {
            int d = lane + 32 * j;
            if (d < hd) dot += qv[j] * kp[d];
        }
        float score = warp_sum(dot);
        float mNew = fmaxf(m, score), corr = __expf(m - mNew), e = __expf(score - mNew);
        l = l * corr + e;
        const float* vp = vbase + (long long) p * kvd;
#pragma unroll
        for (int j = 0; j < DPL; j++) {
            int d = lane + 32 * j;
            acc[j] = acc[j] * corr + (d < hd ? e * vp[d] : 0.0f);
        }
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

// out[r][h·hd + d] = Σ_s acc_s[d]·e^(m_s − M) / Σ_s l_s·e^(m_s − M); grid (heads, rows)
extern "C" __global__ void attn_combine(const float* part_acc, const float* part_ml, int splits, int heads, int hd,
                                        float* out, int ld_out) {
    int h = blockIdx.x, r = blockIdx.y;
    long long first = ((long long) r * heads + h) * splits;
    float M = -INFINITY;
    for (int s = 0; s < splits; s++) M = fmaxf(M, part_ml[2 * (first + s)]);
    float L = 0.0f;
    for (int s = 0; s < splits; s++) {
        float ms = part_ml[2 * (first + s)];
        if (ms != -INFINITY) L += part_ml[2 * (first + s) + 1] * __expf(ms - M);
    }
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        float a = 0.0f;
        for (int s = 0; s < splits; s++) {
            float ms = part_ml[2 * (first + s)];
            if (ms != -INFINITY) a += part_acc[(first + s) * hd + d] * __expf(ms - M);
        }
        out[(long long) r * ld_out + h * hd + d] = a / L;
    }
}
