// Causal attention of each new row's query over its sequence's cached keys and values, split-K
// flash-decoding: the positions 0..pos[r] are cut into chunks, one block per (chunk, head, row)
// keeps an online softmax (running max m, sum l, unnormalized output), and the last block of a
// (head, row) to finish merges the chunks (a counter per (head, row): one launch a layer, not two;
// the merge was a second kernel of 3-5 µs a layer on the H200, bound by launch latency). Runs of up
// to 16 prefill rows use the same kernels (each row attends to its own prefix); longer ones take
// attention_prefill.cu's query tiles, unless the head is larger than they hold.
// Grouped-query heads share their kv head (h / (heads / kv_heads)).
// A layer with a sliding window (window > 0) sees key j from query i iff 0 <= i - j < window:
// chunks wholly before the window stay empty (m = -inf, l = 0) and weigh nothing in the combine.
#include "common.cuh"

#define WARPS 4
#define MAX_HD 256

// out[d] = Σ_s acc_s[d]·e^(m_s − M) / Σ_s l_s·e^(m_s − M) over the splits of one (head, row) (parts
// first.. first + splits), by one block of WARPS warps. Bound by latency (a few hundred bytes from
// L2), so every load is issued before anything waits on one: the splits' (m, l) and this thread's
// share of their accumulators (thread t takes value t % span of every groups-th split, at most
// MERGE_LOADS of them in registers). Each split's weight e^(m_s − M) / L is computed once, in
// shared memory (at most MAX_SPLITS splits). With xq != 0 (hd % 32 == 0: each warp holds one
// block) out is also the int8 input of the output projection (quantize_block).
#define MAX_SPLITS 64
#define MERGE_LOADS 16
__device__ __forceinline__ void combine(const float* part_acc, const float* part_ml, long long first, int splits, int hd,
                                        float* out, i8* xq, float2* xs, long long qi) {
    __shared__ float weight[MAX_SPLITS], wm[WARPS], wl[WARPS], share[WARPS * 32];
    int t = threadIdx.x, warp = t >> 5, lane = t & 31;
    int span = min(hd, WARPS * 32), groups = WARPS * 32 / span, g = t / span;
    float ms = -INFINITY, ls = 0.0f;
    if (t < splits) {
        ms = __ldcg(part_ml + 2 * (first + t));
        ls = __ldcg(part_ml + 2 * (first + t) + 1);
    }
    for (int d0 = 0; d0 < hd; d0 += span) {  // block-uniform: hd > 128 takes two passes
        int d = d0 + t % span;
        bool mine = g < groups && d < hd;
        float av[MERGE_LOADS];
#pragma unroll
        for (int i = 0; i < MERGE_LOADS; i++) {
            int s = g + i * groups;
            av[i] = mine && s < splits ? __ldcg(part_acc + (first + s) * hd + d) : 0.0f;
        }
        if (d0 == 0) {
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
            if (t < splits) weight[t] = e / L;
            __syncthreads();
        }
        float a = 0.0f;
#pragma unroll
        for (int i = 0; i < MERGE_LOADS; i++) {
            int s = g + i * groups;
            if (s < splits) a += av[i] * weight[s];
        }
        for (int s = g + MERGE_LOADS * groups; mine && s < splits; s += groups) a += __ldcg(part_acc + (first + s) * hd + d) * weight[s];
        share[t] = a;
        __syncthreads();
        if (t < span) {  // g == 0, d < hd: whole warps, since span is hd or 128 and xq != 0 only for hd % 32 == 0
            float v = 0.0f;
            for (int k = 0; k < groups; k++) v += share[k * span + t];
            out[d] = v;
            if (xq) quantize_block(v, xq, xs, qi + (d & ~31));
        }
        __syncthreads();  // share[] is read before the next pass writes it
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
//
// DPL: values of a head a lane holds (hd <= 32·DPL), one kernel each (attn_partial_dDPL, chosen
// by the host for the model's head size) so that no registers are spent on values a head does
// not have. A warp walks P consecutive positions at once, their keys and values loaded together
// (32 registers): decode attention is bound by memory latency, and with chunks of 32 positions
// a warp's walk is one round of loads instead of one per two positions (four before).
// prefetch (decode, compute_90; else 0): the next products' weights for L2 (common.cuh's
// prefetch_next_weights), issued once the wait is over (PREFETCH_BEFORE_WAIT: before it, to compare).
#define ATTN_ARGS const float* qkv, int ld, void* kcache, void* vcache, const int* seq, const int* pos, int heads, \
                  int kv_heads, int hd, int capacity, int chunk, int window, float scale, float* part_acc, float* part_ml, \
                  float* out, int ld_out, i8* xq, float2* xs, int* counters, int rope_dims, const double* inv_freq, \
                  int neox, int fuse, const long long* prefetch
#define ATTN_PASS qkv, ld, kcache, vcache, seq, pos, heads, kv_heads, hd, capacity, chunk, window, scale, part_acc, \
                  part_ml, out, ld_out, xq, xs, counters, rope_dims, inv_freq, neox, fuse, prefetch

// KV: the cache's element type (float, or u16 for f16: the _f16 kernels).
template <int DPL, typename KV>
__device__ __forceinline__ void attn_partial_rows(ATTN_ARGS) {
    constexpr int P = 16 / DPL > 2 ? 16 / DPL : 2;
#ifdef PREFETCH_BEFORE_WAIT
    prefetch_next_weights(prefetch);
#endif
    after_previous_kernel();
#ifndef PREFETCH_BEFORE_WAIT
    prefetch_next_weights(prefetch);  // the o and [gate; up] weights, while this kernel leaves DRAM idle
#endif
    int s = blockIdx.x, h = blockIdx.y, r = blockIdx.z, splits = gridDim.x;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int kvd = kv_heads * hd, kvh = h / (heads / kv_heads);
    int begin = s * chunk, end = min(begin + chunk, pos[r] + 1);
    if (window > 0) begin = max(begin, pos[r] - window + 1);
    const float* q = qkv + (long long) r * ld + h * hd;
    KV* kbase = (KV*) kcache + (long long) seq[r] * capacity * kvd + kvh * hd;
    KV* vbase = (KV*) vcache + (long long) seq[r] * capacity * kvd + kvh * hd;
    bool rotate = fuse && neox >= 0;
    int p0 = pos[r];
    if (fuse && begin <= p0 && p0 < end) {  // block-uniform: the barrier below is reached by all or none
        const float* kn = qkv + (long long) r * ld + heads * hd + kvh * hd;
        for (int d = threadIdx.x; d < hd; d += blockDim.x) {
            kv_put(kbase + (long long) p0 * kvd + d, rotate && d < rope_dims ? rope_at(kn, d, rope_dims, neox, inv_freq, p0) : kn[d]);
            kv_put(vbase + (long long) p0 * kvd + d, kn[kvd + d]);
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
    for (int first = begin + warp * P; first < end; first += WARPS * P) {
        float kv[P][DPL], vv[P][DPL];
#pragma unroll
        for (int i = 0; i < P; i++) {
            int p = min(first + i, end - 1);  // past the end: a repeat of the last position, weighed 0 below
            const KV* kp = kbase + (long long) p * kvd;
            const KV* vp = vbase + (long long) p * kvd;
#pragma unroll
            for (int j = 0; j < DPL; j++) {
                int d = lane + 32 * j;
                kv[i][j] = d < hd ? kv_get(kp + d) : 0.0f;
                vv[i][j] = d < hd ? kv_get(vp + d) : 0.0f;
            }
        }
        float score[P];
        float mNew = m;
#pragma unroll
        for (int i = 0; i < P; i++) {
            float dot = 0.0f;
#pragma unroll
            for (int j = 0; j < DPL; j++) dot += qv[j] * kv[i][j];
            score[i] = warp_sum(dot);
            if (first + i < end) mNew = fmaxf(mNew, score[i]);
        }
        float corr = __expf(m - mNew);  // m = -inf on the first round: 0
        l *= corr;
#pragma unroll
        for (int j = 0; j < DPL; j++) acc[j] *= corr;
#pragma unroll
        for (int i = 0; i < P; i++) {
            float e = first + i < end ? __expf(score[i] - mNew) : 0.0f;
            l += e;
#pragma unroll
            for (int j = 0; j < DPL; j++) acc[j] += e * vv[i][j];
        }
        m = mNew;
    }

    __shared__ float sm[WARPS], sl[WARPS], sacc[WARPS][32 * DPL];
    if (lane == 0) { sm[warp] = m; sl[warp] = l; }
#pragma unroll
    for (int j = 0; j < DPL; j++) sacc[warp][lane + 32 * j] = acc[j];
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

// __launch_bounds__: at most 64 registers (8 blocks an SM, as before RoPE was fused; its double
// sincos took the kernel to 72), with no spills.
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial_d1(ATTN_ARGS) { attn_partial_rows<1, float>(ATTN_PASS); }
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial_d2(ATTN_ARGS) { attn_partial_rows<2, float>(ATTN_PASS); }
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial_d4(ATTN_ARGS) { attn_partial_rows<4, float>(ATTN_PASS); }
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial_d8(ATTN_ARGS) { attn_partial_rows<8, float>(ATTN_PASS); }
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial_d1_f16(ATTN_ARGS) { attn_partial_rows<1, u16>(ATTN_PASS); }
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial_d2_f16(ATTN_ARGS) { attn_partial_rows<2, u16>(ATTN_PASS); }
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial_d4_f16(ATTN_ARGS) { attn_partial_rows<4, u16>(ATTN_PASS); }
extern "C" __global__ void __launch_bounds__(128, 8) attn_partial_d8_f16(ATTN_ARGS) { attn_partial_rows<8, u16>(ATTN_PASS); }
