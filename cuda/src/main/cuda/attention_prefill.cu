// Causal attention of prefill rows, tiled over queries: one block per (tile of BQ consecutive
// rows, head) walks the keys and values of its rows' sequence once, BK positions at a time
// through shared memory, for all BQ rows (FlashAttention's loop, in fp32 on the CUDA cores).
// attention.cu's kernel walks each row's prefix on its own, so a prompt of n rows reads its
// cache n times over from L2; here it is read n / BQ times, and a score is one lane's dot of a
// query row (broadcast from shared memory) with its key instead of a warp-wide reduction.
//
// Rows are those of attention.cu (row r: sequence seq[r] at position pos[r], its keys and
// values already stored by rope_store_kv); a tile whose rows belong to several sequences (a
// batch of prompts laid out one after another) makes one pass per run of rows of one sequence.
// A layer with a sliding window (window > 0) sees key j from query i iff 0 <= i - j < window.
// The online softmax keeps, per row, the running max m, a per-lane share of the sum l and the
// unnormalized output (lane holds values lane + 32·j, j < DPL).
#include "common.cuh"

#define WARPS 4
// BQ, the query rows of a tile: CudaForward.PREFILL_TILE_ROWS
#define TILE_ROWS 16

template <int DPL, typename KV>
__device__ __forceinline__ void attn_prefill_rows(const float* qkv, int ld, const void* kcache, const void* vcache,
                                                  const int* seq, const int* pos, int rows, int heads, int kv_heads, int hd,
                                                  int capacity, int window, float scale, float* out, int ld_out) {
    constexpr int HD = 32 * DPL;            // values of a head the tile holds (hd <= HD)
    constexpr int BQ = TILE_ROWS;
    constexpr int R = BQ / WARPS;           // rows a warp owns: R·DPL accumulators a lane
    constexpr int BK = 32;                  // positions a tile: lane i scores key i
    constexpr int KS = HD + 4;              // a key row padded by 16 bytes: lanes' float4 reads fall on distinct banks
    __shared__ __align__(16) float qs[BQ][HD];
    __shared__ __align__(16) float ks[BK][KS];
    __shared__ float vs[BK][HD];
    __shared__ float ps[WARPS][R][BK];
    __shared__ int tseq[BQ], tpos[BQ];
    after_previous_kernel();
    int h = blockIdx.y, r0 = blockIdx.x * BQ;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int kvd = kv_heads * hd, kvh = h / (heads / kv_heads);
    int n = min(BQ, rows - r0);

    for (int i = threadIdx.x; i < BQ * HD; i += blockDim.x) {
        int rr = i / HD, d = i % HD;
        qs[rr][d] = rr < n && d < hd ? qkv[(long long) (r0 + rr) * ld + h * hd + d] * scale : 0.0f;
    }
    if (threadIdx.x < BQ) {
        tseq[threadIdx.x] = threadIdx.x < n ? seq[r0 + threadIdx.x] : -1;
        tpos[threadIdx.x] = threadIdx.x < n ? pos[r0 + threadIdx.x] : -1;
    }
    __syncthreads();

    float acc[R][DPL], m[R], l[R];
#pragma unroll
    for (int k = 0; k < R; k++) {
        m[k] = -INFINITY;
        l[k] = 0.0f;
#pragma unroll
        for (int j = 0; j < DPL; j++) acc[k][j] = 0.0f;
    }

    // one pass per run [first, last] of rows of one sequence (block-uniform: read from shared memory)
    for (int first = 0; first < n; ) {
        int s = tseq[first], last = first, lo = tpos[first], hi = tpos[first];
        while (last + 1 < n && tseq[last + 1] == s) {
            last++;
            lo = min(lo, tpos[last]);
            hi = max(hi, tpos[last]);
        }
        int begin = window > 0 ? max(0, lo - window + 1) : 0, end = hi + 1;
        const KV* kbase = (const KV*) kcache + (long long) s * capacity * kvd + kvh * hd;
        const KV* vbase = (const KV*) vcache + (long long) s * capacity * kvd + kvh * hd;
        int p[R];
#pragma unroll
        for (int k = 0; k < R; k++) {
            int rr = warp * R + k;
            p[k] = rr >= first && rr <= last ? tpos[rr] : -1;  // -1: not a row of this pass, sees nothing
        }
        for (int t0 = begin; t0 < end; t0 += BK) {
            __syncthreads();  // the previous tile's keys, values and weights are no longer read
            for (int i = threadIdx.x; i < BK * HD; i += blockDim.x) {
                int kk = i / HD, d = i % HD, j = t0 + kk;
                bool in = j < end && d < hd;
                ks[kk][d] = in ? kv_get(kbase + (long long) j * kvd + d) : 0.0f;
                vs[kk][d] = in ? kv_get(vbase + (long long) j * kvd + d) : 0.0f;
            }
            __syncthreads();

            float dot[R];
#pragma unroll
            for (int k = 0; k < R; k++) dot[k] = 0.0f;
#pragma unroll 4
            for (int d = 0; d < HD; d += 4) {
                float4 kv4 = *(const float4*) &ks[lane][d];
#pragma unroll
                for (int k = 0; k < R; k++) {
                    float4 q4 = *(const float4*) &qs[warp * R + k][d];
                    dot[k] += q4.x * kv4.x + q4.y * kv4.y + q4.z * kv4.z + q4.w * kv4.w;
                }
            }
            int key = t0 + lane;
#pragma unroll
            for (int k = 0; k < R; k++) {
                bool seen = key < end && key <= p[k] && (window <= 0 || p[k] - key < window);
                float sc = seen ? dot[k] : -INFINITY;
                float mNew = fmaxf(m[k], warp_max(sc));
                float corr = mNew == -INFINITY ? 1.0f : __expf(m[k] - mNew);  // m = -inf before the first seen key: 0
                float e = seen ? __expf(sc - mNew) : 0.0f;
                l[k] = l[k] * corr + e;
#pragma unroll
                for (int j = 0; j < DPL; j++) acc[k][j] *= corr;
                m[k] = mNew;
                ps[warp][k][lane] = e;
            }
            __syncwarp();
            for (int i = 0; i < BK; i++) {
                float v[DPL];
#pragma unroll
                for (int j = 0; j < DPL; j++) v[j] = vs[i][lane + 32 * j];
#pragma unroll
                for (int k = 0; k < R; k++) {
                    float e = ps[warp][k][i];
#pragma unroll
                    for (int j = 0; j < DPL; j++) acc[k][j] += e * v[j];
                }
            }
        }
        first = last + 1;
    }

#pragma unroll
    for (int k = 0; k < R; k++) {
        int rr = warp * R + k;
        float L = warp_sum(l[k]);
        if (rr < n) {
            float* o = out + (long long) (r0 + rr) * ld_out + h * hd;
#pragma unroll
            for (int j = 0; j < DPL; j++) {
                int d = lane + 32 * j;
                if (d < hd) o[d] = acc[k][j] / L;
            }
        }
    }
}

#define PREFILL_ARGS const float* qkv, int ld, const void* kcache, const void* vcache, const int* seq, const int* pos, \
                     int rows, int heads, int kv_heads, int hd, int capacity, int window, float scale, float* out, int ld_out
#define PREFILL_PASS qkv, ld, kcache, vcache, seq, pos, rows, heads, kv_heads, hd, capacity, window, scale, out, ld_out

// attn_prefill_dN: head sizes up to 32·N (N = 1, 2, 4: hd <= 128); _f16 for a cache of f16 elements.
extern "C" __global__ void __launch_bounds__(128) attn_prefill_d1(PREFILL_ARGS) { attn_prefill_rows<1, float>(PREFILL_PASS); }
extern "C" __global__ void __launch_bounds__(128) attn_prefill_d2(PREFILL_ARGS) { attn_prefill_rows<2, float>(PREFILL_PASS); }
extern "C" __global__ void __launch_bounds__(128) attn_prefill_d4(PREFILL_ARGS) { attn_prefill_rows<4, float>(PREFILL_PASS); }
extern "C" __global__ void __launch_bounds__(128) attn_prefill_d1_f16(PREFILL_ARGS) { attn_prefill_rows<1, u16>(PREFILL_PASS); }
extern "C" __global__ void __launch_bounds__(128) attn_prefill_d2_f16(PREFILL_ARGS) { attn_prefill_rows<2, u16>(PREFILL_PASS); }
extern "C" __global__ void __launch_bounds__(128) attn_prefill_d4_f16(PREFILL_ARGS) { attn_prefill_rows<4, u16>(PREFILL_PASS); }
