// The feed-forward half of a batch-1 F16/BF16 layer as one persistent launch (CudaForward's
// -Dbantam.cuda.persistent): the o product with its residual add and the ffn RMSNorm, the stacked
// [gate; up] product with the gated activation, and the down product with its residual add and the
// next norm, in three phases separated by grid-wide barriers, instead of three launches. At batch 1
// these products are latency chains per kernel boundary (the launch, the ramp of a fresh grid, its
// tail, the last block's norm sum: cuda/NOTES.md, sixth session). Here every block stays resident
// (the grid is at most what the GPU holds at once: CudaForward sizes it by the SM count and
// PERSISTENT_BLOCKS_PER_SM), and before each barrier a block issues the first weight loads of its
// next phase (weights are never written), so DRAM has work while the previous phase's last rows finish.
//
// Work of a phase: o and down in units of two rows, four warps a row (threads t of 128 take every
// 128th 16-byte unit: the split 4 of matvec.cu); [gate; up] in units of one (gate, up) row pair a warp.
// Units go to blocks (warps) round-robin. The ffn norm's scale is summed by every block from the o
// phase's per-block partials, summed per group of blocks in the barrier; the next norm's scale (for the next
// layer's _normed qkv or the lm head) by the last block of the down phase, as matvec.cu's _residual.
// No biases (the host takes this path only without them).
//
// Measured on the H200 (cuda/NOTES.md, seventh session): correct, 82 → 50 launches a llama-1b step, but 6-8% slower
// than the three launches under graphs and programmatic dependent launch, so off by default.
#include "common.cuh"

#define PERSISTENT_THREADS 256
// Blocks an SM, by __launch_bounds__ the registers a thread gets: 8 → 32 (spills), 6 → 40, 4 → 64 (H200, calls 4-5:
// 4 with the rounds unrolled twice was the fastest). -Dbantam.cuda.define=PERSISTENT_BLOCKS_PER_SM=N compiles another
// by NVRTC, and the host then launches N an SM (CudaForward: the grid must never exceed what the GPU holds at once).
#ifndef PERSISTENT_BLOCKS_PER_SM
#define PERSISTENT_BLOCKS_PER_SM 4
#endif

// Rounds of two loads a lane unrolled by PERSISTENT_UNROLL (1: two 16-byte loads in flight a lane, as matvec.cu's
// batch-1 kernels; 2: four, in the registers of 4 blocks an SM)
#ifndef PERSISTENT_UNROLL
#define PERSISTENT_UNROLL 2
#endif
#define PERSISTENT_STR(x) #x
#define PERSISTENT_PRAGMA(x) _Pragma(PERSISTENT_STR(x))
#define PERSISTENT_ROUNDS PERSISTENT_PRAGMA(unroll PERSISTENT_UNROLL)

// the 16-byte weight load of matvec.cu (on sm_90: no L1 allocation, 256-byte L2 fetches)
__device__ __forceinline__ uint4 persistent_w16(const void* p) {
#if __CUDA_ARCH__ >= 900 && !defined(NO_STREAM_LOADS)
    uint4 v;
    asm("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];"
        : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w) : "l"(p));
    return v;
#else
    return __ldg((const uint4*) p);
#endif
}

// 8 weights (halves) · x[k..k+8). x (attn, xb, h) was written by the previous kernel or, before a grid
// barrier, by other blocks of this launch, and no block reads it before that barrier, so no L1 holds a
// stale line of it: plain loads, which L1 caches for the block's other warps. (Through L2 alone, ld.cg
// with X_FROM_L2, every 16 bytes of weights cost 32 bytes of L2 reads: the launch took 76 µs a layer
// against 42.5 µs for the three kernels it replaces; cuda/NOTES.md, seventh session.)
template <bool BF>
__device__ __forceinline__ float dot8(uint4 w, const float* x) {
#ifdef X_FROM_L2
    float4 xa = __ldcg((const float4*) x), xb = __ldcg((const float4*) (x + 4));
#else
    float4 xa = *(const float4*) x, xb = *(const float4*) (x + 4);
#endif
    u32 v[4] = {w.x, w.y, w.z, w.w};
    float f[8];
#pragma unroll
    for (int i = 0; i < 4; i++) {
        u16 lo = (u16) (v[i] & 0xFFFF), hi = (u16) (v[i] >> 16);
        f[2 * i] = BF ? bf16_to_float(lo) : half_to_float(lo);
        f[2 * i + 1] = BF ? bf16_to_float(hi) : half_to_float(hi);
    }
    return f[0] * xa.x + f[1] * xa.y + f[2] * xa.z + f[3] * xa.w + f[4] * xb.x + f[5] * xb.y + f[6] * xb.z + f[7] * xb.w;
}

// A thread's share (t of step threads) of a row: its first two 16-byte units, loaded early (ahead_load),
// then the dot product with x over the whole row (ahead_dot), two units in flight a round as matvec.cu's
// batch-1 kernels.
struct Ahead { uint4 w0, w1; };

__device__ __forceinline__ Ahead ahead_load(const u16* row, int cols, int t, int step) {
    int k0 = t * 8, k1 = k0 + 8 * step;
    uint4 z = make_uint4(0, 0, 0, 0);
    return {k0 < cols ? persistent_w16(row + k0) : z, k1 < cols ? persistent_w16(row + k1) : z};
}

template <bool BF>
__device__ __forceinline__ float ahead_dot(const Ahead& a, const u16* row, int cols, int t, int step, const float* x) {
    int k0 = t * 8, k1 = k0 + 8 * step;
    float acc = 0.0f;
    if (k0 < cols) acc += dot8<BF>(a.w0, x + k0);
    if (k1 < cols) acc += dot8<BF>(a.w1, x + k1);
    PERSISTENT_ROUNDS
    for (int k = k0 + 16 * step; k < cols; k += 16 * step) {
        int kb = k + 8 * step;
        uint4 wa = persistent_w16(row + k), wb = kb < cols ? persistent_w16(row + kb) : make_uint4(0, 0, 0, 0);
        acc += dot8<BF>(wa, x + k);
        if (kb < cols) acc += dot8<BF>(wb, x + kb);
    }
    return acc;
}

// All blocks of the grid (all resident) wait here for each other; what a block wrote before is visible to
// every block after (the fences of cooperative groups' grid sync). Two levels, so that no L2 line takes an
// atomic from every block (one counter took ~1,000 same-address atomics a barrier): block b arrives at the
// counter of its group b % BARRIER_GROUPS, the last of a group at the top counter, and the last there advances
// the generation the others spin on. Each counter has its own 128-byte line and is reset by its last arriver;
// bar holds BARRIER_WORDS zero-initialised words, valid across launches and graph replays.
// partials != 0: the last of each group also sums its blocks' partials[b] (in block order, by warp 0) into
// sums[group], so that after the barrier a block adds BARRIER_GROUPS sums instead of a partial per block.
#define BARRIER_GROUPS 32
#define BARRIER_WORDS (32 * (BARRIER_GROUPS + 2))
__device__ __forceinline__ void grid_barrier(unsigned* bar, const float* partials, float* sums) {
    __syncthreads();
#ifdef TIMING_NO_BARRIER  // measurement only (wrong logits): what the two barriers cost
    return;
#endif
    if (threadIdx.x < 32) {
        volatile unsigned* gen = bar;
        int groups = min(BARRIER_GROUPS, (int) gridDim.x), i = blockIdx.x % groups;
        int members = ((int) gridDim.x - i + groups - 1) / groups;  // the blocks b % groups == i
        unsigned g = *gen;  // cannot advance before this block arrives
        int last = 0;
        if (threadIdx.x == 0) {
            __threadfence();
            last = atomicAdd(bar + 32 * (1 + i), 1u) == (unsigned) (members - 1);
        }
        last = __shfl_sync(0xffffffff, last, 0);
        if (last) {
            __threadfence();
            if (partials) {
                float v = 0.0f;
                for (int m = threadIdx.x; m < members; m += 32) v += __ldcg(partials + i + m * groups);
                v = warp_sum(v);
                if (threadIdx.x == 0) sums[i] = v;
            }
            if (threadIdx.x == 0) {
                atomicExch(bar + 32 * (1 + i), 0u);
                __threadfence();
                if (atomicAdd(bar + 32 * (1 + BARRIER_GROUPS), 1u) == (unsigned) (groups - 1)) {
                    atomicExch(bar + 32 * (1 + BARRIER_GROUPS), 0u);
                    __threadfence();
                    atomicAdd(bar, 1u);
                } else {
                    while (*gen == g) {}
                }
            }
        } else if (threadIdx.x == 0) {
            while (*gen == g) {}
        }
        if (threadIdx.x == 0) __threadfence();
    }
    __syncthreads();
}

// One two-row unit u of a residual phase (o, down): y[row] += W[row]·x, then xb[row] = y·g[row], with `a` the
// thread's first loads of its row; returns the unit's Σ y² in thread 0 (0 elsewhere).
template <bool BF>
__device__ __forceinline__ float residual_unit(const Ahead& a, const u16* w, int rows, int cols, int u, const float* x, float* y,
                                               float* xb, const float* g) {
    __shared__ float part[8];
    int warp = threadIdx.x >> 5, t = threadIdx.x & 127;
    const u16* wr = w + (long long) min(2 * u + (warp >> 2), rows - 1) * cols;
    float v = warp_sum(ahead_dot<BF>(a, wr, cols, t, 128, x));
    if ((threadIdx.x & 31) == 0) part[warp] = v;
    __syncthreads();
    float sq = 0.0f;
    if (threadIdx.x < 2) {
        int r = 2 * u + threadIdx.x;
        float s = part[4 * threadIdx.x] + part[4 * threadIdx.x + 1] + part[4 * threadIdx.x + 2] + part[4 * threadIdx.x + 3];
        float nx = 0.0f;
        if (r < rows) {
            nx = __ldcg(y + r) + s;
            y[r] = nx;
            xb[r] = nx * __ldg(g + r);
        }
        float p = nx * nx;
        p += __shfl_xor_sync(0x3, p, 1);
        sq = p;
    }
    __syncthreads();  // part[] is rewritten by the next unit
    return sq;
}

// The loads of unit u's row that a thread makes before anything it waits for
__device__ __forceinline__ Ahead residual_ahead(const u16* w, int rows, int cols, int u) {
    return ahead_load(w + (long long) min(2 * u + (int) (threadIdx.x >> 7), rows - 1) * cols, cols, threadIdx.x & 127, 128);
}

// A phase of two-row units, the block's first (u = blockIdx.x) with its early loads `a`; returns the
// block's Σ y² in thread 0
template <bool BF>
__device__ __forceinline__ float residual_phase(const Ahead& a, const u16* w, int rows, int cols, const float* x, float* y,
                                               float* xb, const float* g) {
    float mine = 0.0f;
    if (2 * (int) blockIdx.x < rows) mine = residual_unit<BF>(a, w, rows, cols, blockIdx.x, x, y, xb, g);
    for (int u = blockIdx.x + gridDim.x; 2 * u < rows; u += gridDim.x)
        mine += residual_unit<BF>(residual_ahead(w, rows, cols, u), w, rows, cols, u, x, y, xb, g);
    return mine;
}

// 1 / sqrt(Σ partials / n + eps) over the grid's per-block partials, in block order through one
// block_sum, so that every block computes the same value (the last block of the down phase)
__device__ __forceinline__ float norm_scale_of(const float* partials, int n, float eps) {
    float s = 0.0f;
    for (int i = threadIdx.x; i < (int) gridDim.x; i += blockDim.x) s += __ldcg(partials + i);
    return rsqrtf(block_sum(s) / n + eps);
}

// The same from grid_barrier's group sums, by every block after the barrier (warp sums, the same in each)
__device__ __forceinline__ float norm_scale_of_sums(const float* sums, int n, float eps) {
    __shared__ float s;
    if (threadIdx.x < 32) {
        float v = threadIdx.x < min(BARRIER_GROUPS, (int) gridDim.x) ? __ldcg(sums + threadIdx.x) : 0.0f;
        v = warp_sum(v);
        if (threadIdx.x == 0) s = rsqrtf(v / n + eps);
    }
    __syncthreads();
    return s;
}

template <bool BF>
__device__ __forceinline__ void ffn_b1(const u16* wo, const u16* wgu, const u16* wdown, int dim, int qdim, int ffn,
                                       const float* attn, float* x, float* xb, float* h, const float* ffn_norm_w,
                                       const float* next_norm_w, float* partials, unsigned* bar, int* counter,
                                       float* norm_scale, float eps, int act) {
    int lane = threadIdx.x & 31;
    int gw = blockIdx.x * (PERSISTENT_THREADS / 32) + (threadIdx.x >> 5), warps = gridDim.x * (PERSISTENT_THREADS / 32);

    // o: x += Wo·attn, xb = x·g_ffn; the first unit's weights before the wait for attention
    Ahead a = residual_ahead(wo, dim, qdim, blockIdx.x);
    after_previous_kernel();
    float sq = residual_phase<BF>(a, wo, dim, qdim, attn, x, xb, ffn_norm_w);
    if (threadIdx.x == 0) partials[blockIdx.x] = sq;
    // the first (gate, up) pair's first units: gate row p and up row ffn + p, lane of 32
    int p0 = min(gw, ffn - 1), k0 = lane * 8;
    uint4 z = make_uint4(0, 0, 0, 0);
    Ahead pg = {k0 < dim ? persistent_w16(wgu + (long long) p0 * dim + k0) : z, k0 < dim ? persistent_w16(wgu + (long long) (ffn + p0) * dim + k0) : z};
    // PERSISTENT_PREFETCH: the rest of the pair's rows (and below the down rows) asked of L2 (common.cuh's prefetch_l2;
    // compute_90) before the barrier, so that DRAM streams them while the grid waits. Slower (call 3: 748 against 843
    // tok/s without): the extra L2 requests cost more than the wait they fill, as with matvec.cu's BF16 prefetch.
#ifdef PERSISTENT_PREFETCH
    prefetch_l2(wgu + (long long) p0 * dim, 2LL * dim, lane, 32);
    prefetch_l2(wgu + (long long) (ffn + p0) * dim, 2LL * dim, lane, 32);
#endif
    float* sums = partials + gridDim.x;  // BARRIER_GROUPS floats after the partials
    grid_barrier(bar, partials, sums);

    // [gate; up]: h_p = act(s·gate_p·xb)·(s·up_p·xb), s the ffn norm's scale
    float s = norm_scale_of_sums(sums, dim, eps);
    for (int p = gw; p < ffn; p += warps) {
        const u16* gr = wgu + (long long) p * dim;
        const u16* ur = wgu + (long long) (ffn + p) * dim;
        if (p != gw && k0 < dim) pg = {persistent_w16(gr + k0), persistent_w16(ur + k0)};
        float gs = k0 < dim ? dot8<BF>(pg.w0, xb + k0) : 0.0f, us = k0 < dim ? dot8<BF>(pg.w1, xb + k0) : 0.0f;
        PERSISTENT_ROUNDS
        for (int k = k0 + 256; k < dim; k += 256) {
            uint4 wg = persistent_w16(gr + k), wu = persistent_w16(ur + k);
            gs += dot8<BF>(wg, xb + k);
            us += dot8<BF>(wu, xb + k);
        }
        gs = warp_sum(gs);
        us = warp_sum(us);
        if (lane == 0) h[p] = gate_act(s * gs, act) * (s * us);
    }
    a = residual_ahead(wdown, dim, ffn, blockIdx.x);
#ifdef PERSISTENT_PREFETCH
    prefetch_l2(wdown + (long long) min(2 * (int) blockIdx.x + (int) (threadIdx.x >> 7), dim - 1) * ffn, 2LL * ffn, threadIdx.x & 127, 128);
#endif
    grid_barrier(bar, nullptr, nullptr);

    // down: x += Wdown·h, xb = x·g_next, and the next norm's scale by the last block
    sq = residual_phase<BF>(a, wdown, dim, ffn, h, x, xb, next_norm_w);
    __shared__ int last;
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = sq;
        __threadfence();
        last = atomicAdd(counter, 1) == (int) gridDim.x - 1;
    }
    __syncthreads();
    if (last) {  // block-uniform
        __threadfence();
        float scale = norm_scale_of(partials, dim, eps);
        if (threadIdx.x == 0) {
            *norm_scale = scale;
            *counter = 0;
        }
    }
}

#define FFN_ARGS const u16* wo, const u16* wgu, const u16* wdown, int dim, int qdim, int ffn, const float* attn, float* x, \
                 float* xb, float* h, const float* ffn_norm_w, const float* next_norm_w, float* partials, unsigned* bar, \
                 int* counter, float* norm_scale, float eps, int act
#define FFN_PASS wo, wgu, wdown, dim, qdim, ffn, attn, x, xb, h, ffn_norm_w, next_norm_w, partials, bar, counter, norm_scale, eps, act

// __launch_bounds__: registers for PERSISTENT_BLOCKS_PER_SM blocks an SM, so that the whole grid is resident
extern "C" __global__ void __launch_bounds__(PERSISTENT_THREADS, PERSISTENT_BLOCKS_PER_SM) matvec_bf16_b1_ffn(FFN_ARGS) {
    ffn_b1<true>(FFN_PASS);
}
extern "C" __global__ void __launch_bounds__(PERSISTENT_THREADS, PERSISTENT_BLOCKS_PER_SM) matvec_f16_b1_ffn(FFN_ARGS) {
    ffn_b1<false>(FFN_PASS);
}
