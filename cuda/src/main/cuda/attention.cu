// Causal attention of each new row's query over its sequence's cached keys and values, split-K
// flash-decoding: the positions 0..pos[r] are cut into chunks, one block per (chunk, head, row)
// keeps an online softmax (running max m, sum l, unnormalized output), and the last block of a
// (head, row) to finish merges the chunks (a counter per (head, row): one launch a layer, not two;
// the merge was a second kernel of 3-5 µs a layer on the H200, bound by launch latency). Prefill rows use the same kernels (each row attends to its own prefix), so decode
// and prefill agree to rounding. Grouped-query heads share their kv head (h / (heads / kv_heads)).
// A layer with a sliding window (window > 0) sees key j from query i iff 0 <= i - j < window:
// chunks wholly before the window stay empty (m = -inf, l = 0) and weigh nothing in the combine.
#include "common.cuh"

#define WARPS 4
#define MAX_HD 256
#define DPL (MAX_HD / 32)

// out[d] = Σ_s acc_s[d]·e^(m_s − M) / Σ_s l_s·e^(m_s − M) over the splits of one (head, row) (parts
// first.. first + splits), by one block of WARPS warps. Each split's weight e^(m_s − M) / L is
// computed once, in shared memory (at most MAX_SPLITS splits). With xq != 0 (hd % 32 == 0: each
// warp holds one block) out is also the int8 input of the output projection (quantize_block).
#define MAX_SPLITS 64
__device__ __forceinline__ void combine(const float* part_acc, const float* part_ml, long long first, int splits, int hd,
                                        float* out, i8* xq, float2* xs, long long qi) {
    __shared__ float weight[MAX_SPLITS], wm[WARPS], wl[WARPS];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    float ms = -INFINITY, ls = 0.0f;
    if (threadIdx.x < splits) {
        ms = __ldcg(part_ml + 2 * (first + threadIdx.x));
        ls = __ldcg(part_ml + 2 * (first + threadIdx.x) + 1);
    }
    float M = warp_max(ms);
    if (lane == 0) wm[warp] = M;
    __syncthreads();
    M = wm[0];
    for (int w = 1; w < WARPS; w++) M = fmaxf(M, wm[w]);
    float e = ms == -INFINITY ? 0.0f : __expf(ms - M);
    float L = warp_sum(ls * e);
    if (lane == 0) wl[warp] = L;
    __syncthreads();
    L = 0.0f;
    for (int w = 0; w < WARPS; w++) L += wl[w];
    if (threadIdx.x < splits) weight[threadIdx.x] = e / L;
    __syncthreads();
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        float a = 0.0f;
#pragma unroll 8
        for (int s = 0; s < splits; s++) a += __ldcg(part_acc + (first + s) * hd + d) * weight[s];
        out[d] = a;
        if (xq) quantize_block(a, xq, xs, qi + (d & ~31));
    }
}

// Value d of a head's x (hd values, RoPE pairs as in rope_kv.cu: neox 1 pairs i with i + rope_dims/2,
// 0 pairs 2i with 2i + 1; d < rope_dims) rotated to position p, with the same float operations as
// rope_store_kv, so that the fused decode path and the prefill path agree to the bit.
__device__ __forceinline__ float rope_at(const float* x, int d, int rope_dims, int neox, const double* inv_freq, int p) {
    int half = rope_dims / 2;
    bool first = neox ? d < half : (d & 1) == 0;
    int i = neox ? (first ? d : d - half) : d >> 1;
    int partner = neox ? (first ? d + half : d - half) : d ^ 1;
    double s, c;
    sincos((double) p * inv_freq[i], &s, &c);
    float cs = (float) c, sn = (float) s;
    float x0 = first ? x[d] : x[partner], x1 = first ? x[partner] : x[d];
    return first ? x0 * cs - x1 * sn : x0 * sn + x1 * cs;
}

// fuse = 1 (decode: every row is its own sequence, at one new position): the rows' q and k are
// not yet rotated and their k and v not yet in the cache (rope_store_kv was not launched). Each
// block rotates its head's q in registers; the block whose chunk holds pos[r] stores the rotated
// k and the v of its kv head at pos[r] before its walk reads them (every q head of a kv head
// stores the same values; no other chunk reads pos[r]). One launch fewer a layer. Prefill rows
// of one sequence read each other's keys, so they keep rope_store_kv (fuse = 0).
// __launch_bounds__: at most 64 registers (8 blocks an SM, as before the fusion; its double
// sincos took the kernel to 72), with no spills.
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial(const float* qkv, int ld, float* kcache, float* vcache,
                                        const int* seq, const int* pos, int heads, int kv_heads, int hd, int capacity,
                                        int chunk, int window, float scale, float* part_acc, float* part_ml,
                                        float* out, int ld_out, i8* xq, float2* xs, int* counters,
                                        int rope_dims, const double* inv_freq, int neox, int fuse) {
    after_previous_kernel();
    int s = blockIdx.x, h = blockIdx.y, r = blockIdx.z, splits = gridDim.x;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int kvd = kv_heads * hd, kvh = h / (heads / kv_heads);
    int begin = s * chunk, end = min(begin + chunk, pos[r] + 1);
    if (window > 0) begin = max(begin, pos[r] - window + 1);
    const float* q = qkv + (long long) r * ld + h * hd;
    float* kbase = kcache + (long long) seq[r] * capacity * kvd + kvh * hd;
    float* vbase = vcache + (long long) seq[r] * capacity * kvd + kvh * hd;
    bool rotate = fuse && neox >= 0;
    int p0 = pos[r];
    if (fuse && begin <= p0 && p0 < end) {  // block-uniform: the barrier below is reached by all or none
        const float* kn = qkv + (long long) r * ld + heads * hd + kvh * hd;
        for (int d = threadIdx.x; d < hd; d += blockDim.x) {
            kbase[(long long) p0 * kvd + d] = rotate && d < rope_dims ? rope_at(kn, d, rope_dims, neox, inv_freq, p0) : kn[d];
            vbase[(long long) p0 * kvd + d] = kn[kvd + d];
        }
        __syncthreads();
    }

    float qv[DPL], acc[DPL];
#pragma unroll
    for (int j = 0; j < DPL; j++) {
        int d = lane + 32 * j;
        float qd = d < hd ? (rotate && d < rope_dims ? rope_at(q, d, rope_dims, neox, inv_freq, p0) : q[d]) : 0.0f;
        qv[j] = qd * scale;
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
    // The last of the (head, row)'s blocks merges: each block makes its part visible device-wide
    // before it counts itself (the threadFenceReduction pattern); the last one resets the counter
    // for the next launch (a replayed graph reuses it) and reads the others' parts past L1.
    __shared__ int last;
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0) {
        int* c = counters + (long long) r * heads + h;
        last = atomicAdd(c, 1) == splits - 1;
        if (last) *c = 0;
    }
    __syncthreads();
    if (!last) return;
    __threadfence();
    combine(part_acc, part_ml, ((long long) r * heads + h) * splits, splits, hd, out + (long long) r * ld_out + h * hd,
            xq, xs, (long long) r * heads * hd + h * hd);
}
