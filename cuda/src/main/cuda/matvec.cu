// Matrix-vector products y[b] = W·x[b] (+ bias) (+= y with accumulate) for up to MAX_BATCH
// vectors at once, one kernel per weight type: the weights are the bytes a decode step must
// stream, so each is read once for the whole batch, in 16-byte loads, with FP32 accumulation.
// A 128-thread block of four warps takes 4 / split rows: `split` warps share a row, each taking
// every split-th 16-byte unit, so long rows (and matrices too small to fill the GPU) get more
// loads in flight. W is [rows][cols] row-major (ggml's layout: a row is an output), x[b] starts
// at x + b·ldx, y[b] at y + b·ldy.
#include "common.cuh"

#define MATVEC_ARGS const u8* q, const u16* d, int rows, int cols, const float* x, int ldx, int batch, \
                    const float* bias, float* y, int ldy, int accumulate, int split
#define MATVEC_PASS q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split

// 16-byte weight loads each lane issues before it uses the first (#ifndef: device/mvbench.cu
// compiles variants; _B1: the batch-1 kernels). Two rather than four for the int8 kernels and
// for F16/BF16 at batch 1: on the H200 they are bound by latency with few iterations a warp (a
// 2048-wide Q4_K row is two units a lane) and the registers of four loads cost resident warps
// (mvbench, llama-1b shapes: BF16 B1 down 14.3 → 11.6 µs, Q8_0 lm head 78 → 67 µs). F16/BF16 at
// batch > 1 keep four (gate|up B4 51.4 µs with four, 54.9 with two; on the H100 eight had been
// 13% slower than four).
#ifndef UNITS
#define UNITS 2
#endif
#ifndef HALF_UNITS
#define HALF_UNITS 4
#endif
#ifndef UNITS_B1
#define UNITS_B1 UNITS
#endif
#ifndef HALF_UNITS_B1
#define HALF_UNITS_B1 2
#endif

// Every kernel is compiled twice from one template on NB, the most vectors it takes: NAME for up
// to MAX_BATCH and NAME_b1 for one (DeviceType.matvec(batch) picks). Batch 1, the decode of one
// sequence, is bound by latency rather than bytes (a 2048-wide row is one or two 16-byte loads a
// lane), so what hides latency is resident warps, and registers limit those: the MAX_BATCH
// accumulators and unrolled batch loops cost 72 registers, 7 blocks of 128 an SM on the H200
// (device/mvbench.cu). NB_UNITS / NB_HALF_UNITS: the loads in flight of each.
#define NB_UNITS (NB == 1 ? UNITS_B1 : UNITS)
#define NB_HALF_UNITS (NB == 1 ? HALF_UNITS_B1 : HALF_UNITS)

// lane: this thread's index among the split·32 threads of its row; step: split·32. A row past
// the end computes nothing but still reaches the block barrier in finish().
// PREFETCH_BYTES: the bytes of q a row holds that its threads ask L2 for before they wait for x
// (common.cuh's prefetch_l2 and after_previous_kernel; the weights are the step's bytes, x the
// previous kernel's output), or 0. Only the kernels bound by latency and instructions rather
// than bytes gain from it: the K-quants in the file's layout and the group kernels (H200, llama-1b
// Q4_K_M B1 966 → 1,057 tok/s). Where the loads already stream near the copy bandwidth (F16/BF16,
// the split Q8_0/Q4_0 layouts) the extra L2 requests cost more than the early start (BF16 B1
// 917 → 797); cuda/NOTES.md has the runs.
#define MATVEC_ROW(PREFETCH_BYTES)                                        \
    int warp = threadIdx.x >> 5;                                          \
    int row = blockIdx.x * (4 / split) + warp / split;                    \
    int lane = (warp % split) * 32 + (threadIdx.x & 31);                  \
    int step = split * 32;                                                \
    int live_cols = row < rows ? cols : 0;                                \
    if (row >= rows) row = rows - 1;                                      \
    if (live_cols) prefetch_l2(q + (long long) row * (PREFETCH_BYTES), (PREFETCH_BYTES), lane, step); \
    after_previous_kernel();                                              \
    float acc[NB];                                                        \
    _Pragma("unroll") for (int b = 0; b < NB; b++) acc[b] = 0.0f;

// The row's sums of the NB accumulators, written by one thread per vector. split == 1 (a warp a
// row, the same for every warp of the block): the warp writes its own row, no barrier.
template <int NB>
__device__ __forceinline__ void finish(const float* acc, int batch, int row, int live, int split, const float* bias,
                                       float* y, int ldy, int accumulate) {
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    if (split == 1) {
        float mine = 0.0f;
#pragma unroll
        for (int b = 0; b < NB; b++) {
            if (b < batch) {
                float s = warp_sum(acc[b]);
                if (lane == b) mine = s;
            }
        }
        if (live && lane < batch) {
            float v = mine + (bias ? bias[row] : 0.0f);
            float* out = y + (long long) lane * ldy + row;
            *out = accumulate ? *out + v : v;
        }
        return;
    }
    __shared__ float partial[4][NB];
#pragma unroll
    for (int b = 0; b < NB; b++) {
        if (b < batch) {
            float s = warp_sum(acc[b]);
            if (lane == 0) partial[warp][b] = s;
        }
    }
    __syncthreads();
    if (live && warp % split == 0 && lane < batch) {
        int b = lane;
        float s = 0.0f;
        for (int w = warp; w < warp + split; w++) s += partial[w][b];
        float v = s + (bias ? bias[row] : 0.0f);
        float* out = y + (long long) b * ldy + row;
        *out = accumulate ? *out + v : v;
    }
}

// A 16-byte weight load through the read-only path; on sm_90 (the compute_90 PTX, unless
// NO_STREAM_LOADS; or with STREAM_LOADS from sm_80, device/mvbench.cu's variants) it skips L1 and
// asks L2 to fetch 256 bytes: weights are read once a step, nothing to keep in L1 (mvbench: 3-8%
// faster BF16 products at batch 1)
__device__ __forceinline__ uint4 load_w16(const void* p) {
#if (__CUDA_ARCH__ >= 900 && !defined(NO_STREAM_LOADS)) || (defined(STREAM_LOADS) && __CUDA_ARCH__ >= 800)
    uint4 v;
    asm("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];"
        : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w) : "l"(p));
    return v;
#else
    return __ldg((const uint4*) p);
#endif
}

__device__ __forceinline__ float dot4(float4 a, float4 b) { return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w; }

// 8 consecutive x values of vector b at k, as two float4 loads
#define X8(b, k) const float4 xa = *(const float4*) (x + (long long) (b) * ldx + (k)); \
                 const float4 xb = *(const float4*) (x + (long long) (b) * ldx + (k) + 4);

template <int NB>
__device__ __forceinline__ void matvec_f32_rows(MATVEC_ARGS) {  // cols % 4 == 0
    MATVEC_ROW(0LL)
    const float* w = (const float*) q + (long long) row * cols;
    for (int k0 = lane * 4; k0 < live_cols; k0 += 4 * step * UNITS) {
        float4 wv[UNITS];
#pragma unroll
        for (int u = 0; u < UNITS; u++) {
            int k = k0 + u * 4 * step;
            wv[u] = k < live_cols ? __ldg((const float4*) (w + k)) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        }
#pragma unroll
        for (int u = 0; u < UNITS; u++) {
            int k = k0 + u * 4 * step;
            if (k >= live_cols) break;
#pragma unroll
            for (int b = 0; b < NB; b++)
                if (b < batch) acc[b] += dot4(wv[u], *(const float4*) (x + (long long) b * ldx + k));
        }
    }
    finish<NB>(acc, batch, row, live_cols, split, bias, y, ldy, accumulate);
}

// 8 halves (f16 or bf16) in a uint4 → floats
template <bool BF>
__device__ __forceinline__ void unpack8(uint4 v, float* f) {
    u32 w[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; i++) {
        u16 lo = (u16) (w[i] & 0xFFFF), hi = (u16) (w[i] >> 16);
        f[2 * i] = BF ? bf16_to_float(lo) : half_to_float(lo);
        f[2 * i + 1] = BF ? bf16_to_float(hi) : half_to_float(hi);
    }
}

// acc[b] += this thread's share (lane of step threads) of row w · x[b], live_cols values (0: none)
template <bool BF, int NB>
__device__ __forceinline__ void halves_dot(const u16* w, int live_cols, int lane, int step, const float* x, int ldx, int batch, float* acc) {
    for (int k0 = lane * 8; k0 < live_cols; k0 += 8 * step * NB_HALF_UNITS) {
        uint4 wv[NB_HALF_UNITS];
#pragma unroll
        for (int u = 0; u < NB_HALF_UNITS; u++) {
            int k = k0 + u * 8 * step;
            wv[u] = k < live_cols ? load_w16(w + k) : make_uint4(0, 0, 0, 0);
        }
#pragma unroll
        for (int u = 0; u < NB_HALF_UNITS; u++) {
            int k = k0 + u * 8 * step;
            if (k >= live_cols) break;
            float f[8];
            unpack8<BF>(wv[u], f);
#pragma unroll
            for (int b = 0; b < NB; b++) {
                if (b < batch) {
                    X8(b, k)
                    acc[b] += dot4(make_float4(f[0], f[1], f[2], f[3]), xa) + dot4(make_float4(f[4], f[5], f[6], f[7]), xb);
                }
            }
        }
    }
}

template <bool BF, int NB>
__device__ __forceinline__ void matvec_halves(MATVEC_ARGS) {  // cols % 8 == 0
    MATVEC_ROW(0LL)
    halves_dot<BF, NB>((const u16*) q + (long long) row * cols, live_cols, lane, step, x, ldx, batch, acc);
    finish<NB>(acc, batch, row, live_cols, split, bias, y, ldy, accumulate);
}

// F16/BF16 for several vectors. With a row a warp, each 16 bytes of weights meet 32·batch bytes of
// x, loaded from L1 once per row: at batch 4 the x loads, not the weights, bounded the kernel
// (llama-1b BF16 B4 2.9 ms a step against B1's 1.1). Here the block's 4 / split rows are shared
// by its four warps instead: lane t of the block takes every 128th 16-byte unit of each row, so
// the x values it loads for one unit serve all the rows. The host passes split 1 at batch > 1
// (CudaForward.linear), four rows a block.
template <bool BF, int NB>
__device__ __forceinline__ void matvec_halves_shared(MATVEC_ARGS) {  // cols % 8 == 0
    constexpr int R = 4;  // the most rows a block holds
    int nr = 4 / split, row0 = blockIdx.x * nr;
    after_previous_kernel();
    float acc[R][NB];
#pragma unroll
    for (int r = 0; r < R; r++)
#pragma unroll
        for (int b = 0; b < NB; b++) acc[r][b] = 0.0f;
    for (int k = threadIdx.x * 8; k < cols; k += 128 * 8) {
        uint4 wv[R];
#pragma unroll
        for (int r = 0; r < R; r++) {
            int row = min(row0 + r, rows - 1);
            wv[r] = r < nr ? load_w16((const u16*) q + (long long) row * cols + k) : make_uint4(0, 0, 0, 0);
        }
#pragma unroll
        for (int b = 0; b < NB; b++) {
            if (b < batch) {
                X8(b, k)
#pragma unroll
                for (int r = 0; r < R; r++) {
                    if (r < nr) {
                        float f[8];
                        unpack8<BF>(wv[r], f);
                        acc[r][b] += dot4(make_float4(f[0], f[1], f[2], f[3]), xa) + dot4(make_float4(f[4], f[5], f[6], f[7]), xb);
                    }
                }
            }
        }
    }
    __shared__ float partial[4][R][NB];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
#pragma unroll
    for (int r = 0; r < R; r++)
#pragma unroll
        for (int b = 0; b < NB; b++) {
            if (r < nr && b < batch) {
                float v = warp_sum(acc[r][b]);
                if (lane == 0) partial[warp][r][b] = v;
            }
        }
    __syncthreads();
    int r = threadIdx.x / NB, b = threadIdx.x % NB, row = row0 + r;
    if (r < nr && b < batch && row < rows) {
        float v = partial[0][r][b] + partial[1][r][b] + partial[2][r][b] + partial[3][r][b] + (bias ? bias[row] : 0.0f);
        float* out = y + (long long) b * ldy + row;
        *out = accumulate ? *out + v : v;
    }
}

extern "C" __global__ void matvec_f32(MATVEC_ARGS) { matvec_f32_rows<MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_f32_b1(MATVEC_ARGS) { matvec_f32_rows<1>(MATVEC_PASS); }
// _b4: at most 4 vectors (DeviceType.matvecKernel), 16 accumulators a thread instead of 32.
extern "C" __global__ void matvec_f16(MATVEC_ARGS) { matvec_halves_shared<false, MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_f16_b4(MATVEC_ARGS) { matvec_halves_shared<false, 4>(MATVEC_PASS); }
extern "C" __global__ void matvec_f16_b1(MATVEC_ARGS) { matvec_halves<false, 1>(MATVEC_PASS); }
extern "C" __global__ void matvec_bf16(MATVEC_ARGS) { matvec_halves_shared<true, MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_bf16_b4(MATVEC_ARGS) { matvec_halves_shared<true, 4>(MATVEC_PASS); }
extern "C" __global__ void matvec_bf16_b1(MATVEC_ARGS) { matvec_halves<true, 1>(MATVEC_PASS); }

// ---- F16/BF16 at batch 1 with the neighbouring launches folded in (CudaForward: -Dbantam.cuda.fuseNorm,
// -Dbantam.cuda.fuseGate). A batch-1 step is ~130 launches of a few microseconds each, and the
// norms (33) and the gated activation (16) did nothing but wait for their one input.
//
// RMSNorm of the residual stream without its own launch: the kernel that writes x (the o and down
// products, accumulating: _residual; embed for the first layer) also writes xb = x·g with g the
// weight of the norm that follows, and the sum of squares of the new x, which the last of its
// blocks turns into norm_scale = 1 / sqrt(mean(x²) + eps). The consumer (_normed, or _gated)
// multiplies its dot products with xb by that one scalar: s·(W·(x·g)) = W·RMSNorm(x)·g. (The
// consumer loading g beside x instead doubled its x-side loads: cuda/NOTES.md, third session.)

#define MATVEC_NORMED_ARGS const u8* q, const u16* d, int rows, int cols, const float* x, int ldx, int batch, \
                           const float* bias, float* y, int ldy, int accumulate, int split, const float* norm_scale
#define MATVEC_RESIDUAL_ARGS const u8* q, const u16* d, int rows, int cols, const float* x, int ldx, int batch, \
                             const float* bias, float* y, int ldy, int accumulate, int split, const float* norm_w, float* xb, \
                             float* partials, int* counter, float* norm_scale, float eps
#define MATVEC_GATED_ARGS const u8* q, const u16* d, int rows, int cols, const float* x, int ldx, int batch, \
                          const float* bias, float* y, int ldy, int accumulate, int split, int act, const float* norm_scale

// y = s·(W·x) + bias, s = *norm_scale (written by the previous kernel: read after the wait)
template <bool BF>
__device__ __forceinline__ void matvec_halves_normed(MATVEC_NORMED_ARGS) {  // cols % 8 == 0
    constexpr int NB = 1;
    MATVEC_ROW(0LL)
    halves_dot<BF, 1>((const u16*) q + (long long) row * cols, live_cols, lane, step, x, ldx, 1, acc);
    acc[0] *= *norm_scale;
    finish<1>(acc, 1, row, live_cols, split, bias, y, ldy, accumulate);
}

// y (+)= W·x + bias as matvec_halves at batch 1, then xb = y·norm_w and norm_scale = 1 / sqrt(Σ y² / rows
// + eps): each block adds its rows' y² into partials[block], and the block that finishes last
// (counter, zero before the launch and left zero by that block, as attn_partial's merge does) sums
// the partials in block order, so the result does not depend on which block is last. What the
// epilogue waits for is kept short: the norm weight is loaded before the wait (no kernel writes
// it), the old x right after it, one acquire-release atomic announces the partial (no separate
// fence), and the last block loads the partials in one round (RESIDUAL_LOADS float4s a thread).
#define RESIDUAL_LOADS 4
template <bool BF>
__device__ __forceinline__ void matvec_halves_residual(MATVEC_RESIDUAL_ARGS) {  // cols % 8 == 0
    constexpr int NB = 1;
    // thread r < nr: the block's row r; its norm weight and old x wait in shared memory, not in
    // registers across the loop (at 32 registers a thread, 16 blocks of 128 stay resident an SM)
    __shared__ float part[4], g[4], old[4];
    __shared__ int last;
    int nr = 4 / split, mine = min((int) blockIdx.x * nr + (int) threadIdx.x, rows - 1);
    if (threadIdx.x < nr) g[threadIdx.x] = __ldg(norm_w + mine);
    MATVEC_ROW(0LL)
    if (threadIdx.x < nr) old[threadIdx.x] = accumulate ? y[mine] : 0.0f;
    halves_dot<BF, 1>((const u16*) q + (long long) row * cols, live_cols, lane, step, x, ldx, 1, acc);
    float v = warp_sum(acc[0]);
    if ((threadIdx.x & 31) == 0) part[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float nx = 0.0f;
        int r = threadIdx.x, out_row = blockIdx.x * nr + r;
        if (r < nr && out_row < rows) {
            float s = 0.0f;
            for (int k = 0; k < split; k++) s += part[r * split + k];  // in the order finish() takes them
            nx = old[r] + (s + (bias ? bias[out_row] : 0.0f));  // as finish(): *out + (sum + bias)
            y[out_row] = nx;
            xb[out_row] = nx * g[r];
        }
        float p = nx * nx;  // lanes 0..nr-1 (nr ≤ 4) hold the rows, the others 0
        p += __shfl_xor_sync(0xffffffff, p, 1);
        p += __shfl_xor_sync(0xffffffff, p, 2);
        if (threadIdx.x == 0) {
            partials[blockIdx.x] = p;
            int ticket;  // release: the partial before the count that announces it; acquire: the others' partials after
            asm volatile("atom.acq_rel.gpu.global.add.u32 %0, [%1], 1;" : "=r"(ticket) : "l"(counter) : "memory");
            last = ticket == (int) gridDim.x - 1;
        }
    }
    __syncthreads();
    if (last) {  // the same in every thread of the block
        // the partials from L2 (other blocks wrote them) as float4s, RESIDUAL_LOADS a thread in flight:
        // one round trip for up to 2,048 blocks at 128 threads
        int n = gridDim.x, n4 = n >> 2;
        float ss = 0.0f;
        for (int i0 = threadIdx.x; i0 < n4; i0 += RESIDUAL_LOADS * blockDim.x) {
            float4 pv[RESIDUAL_LOADS];
#pragma unroll
            for (int j = 0; j < RESIDUAL_LOADS; j++) {
                int i = i0 + j * blockDim.x;
                pv[j] = i < n4 ? __ldcg((const float4*) partials + i) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            }
#pragma unroll
            for (int j = 0; j < RESIDUAL_LOADS; j++) ss += (pv[j].x + pv[j].y) + (pv[j].z + pv[j].w);
        }
        if ((int) threadIdx.x < n - 4 * n4) ss += __ldcg(partials + 4 * n4 + threadIdx.x);
        ss = block_sum(ss);
        if (threadIdx.x == 0) {
            *norm_scale = rsqrtf(ss / rows + eps);
            *counter = 0;
        }
    }
}

// The stacked [gate; up] product (rows = 2·ffn) with the gated activation as its epilogue:
// y[i] = act(s·g_i + bias_i) · (s·u_i + bias_ffn+i), g_i and u_i the dot products of rows i and ffn + i
// with x, s = *norm_scale or 1 (norm_scale 0). A block takes 2 / split pairs (split 1 or 2): its
// first 2 / split rows are gate rows i.., the others the up rows of the same i.
template <bool BF>
__device__ __forceinline__ void matvec_halves_gated(MATVEC_GATED_ARGS) {  // cols % 8 == 0, split ≤ 2
    int ffn = rows >> 1, pairs = 2 / split;
    int warp = threadIdx.x >> 5, local = warp / split;
    int i = blockIdx.x * pairs + local % pairs;
    int live_cols = i < ffn ? cols : 0;
    if (i >= ffn) i = ffn - 1;
    int row = i + (local / pairs) * ffn;
    int lane = (warp % split) * 32 + (threadIdx.x & 31), step = split * 32;
    after_previous_kernel();
    float acc[1] = {0.0f};
    halves_dot<BF, 1>((const u16*) q + (long long) row * cols, live_cols, lane, step, x, ldx, 1, acc);
    __shared__ float part[4];
    float v = warp_sum(acc[0]);
    if ((threadIdx.x & 31) == 0) part[warp] = v;
    __syncthreads();
    if (threadIdx.x < pairs) {
        int p = threadIdx.x, o = blockIdx.x * pairs + p;
        if (o < ffn) {
            float g = 0.0f, u = 0.0f;
            for (int k = 0; k < split; k++) {
                g += part[p * split + k];
                u += part[(pairs + p) * split + k];
            }
            if (norm_scale) {
                float s = *norm_scale;
                g *= s;
                u *= s;
            }
            if (bias) {
                g += bias[o];
                u += bias[ffn + o];
            }
            y[o] = gate_act(g, act) * u;
        }
    }
}

extern "C" __global__ void matvec_f16_b1_normed(MATVEC_NORMED_ARGS) {
    matvec_halves_normed<false>(q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split, norm_scale);
}
extern "C" __global__ void matvec_bf16_b1_normed(MATVEC_NORMED_ARGS) {
    matvec_halves_normed<true>(q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split, norm_scale);
}
extern "C" __global__ void matvec_f16_b1_residual(MATVEC_RESIDUAL_ARGS) {
    matvec_halves_residual<false>(q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split, norm_w, xb, partials, counter, norm_scale, eps);
}
extern "C" __global__ void matvec_bf16_b1_residual(MATVEC_RESIDUAL_ARGS) {
    matvec_halves_residual<true>(q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split, norm_w, xb, partials, counter, norm_scale, eps);
}
extern "C" __global__ void matvec_f16_b1_gated(MATVEC_GATED_ARGS) {
    matvec_halves_gated<false>(q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split, act, norm_scale);
}
extern "C" __global__ void matvec_bf16_b1_gated(MATVEC_GATED_ARGS) {
    matvec_halves_gated<true>(q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split, act, norm_scale);
}

// Q8_0, split layout: int8 quants [rows][cols], one fp16 scale per 32. A lane takes 16 quants.
template <int NB>
__device__ __forceinline__ void matvec_q8_0_rows(MATVEC_ARGS) {  // cols % 32 == 0
    MATVEC_ROW(0LL)
    const i8* w = (const i8*) q + (long long) row * cols;
    const u16* s = d + (long long) row * (cols >> 5);
    for (int k0 = lane * 16; k0 < live_cols; k0 += 16 * step * UNITS) {
      int4 wv[UNITS];
      u16 sv[UNITS];
#pragma unroll
      for (int u = 0; u < UNITS; u++) {
          int k = k0 + u * 16 * step;
          wv[u] = k < live_cols ? __ldg((const int4*) (w + k)) : make_int4(0, 0, 0, 0);
          sv[u] = k < live_cols ? s[k >> 5] : 0;
      }
#pragma unroll
      for (int u = 0; u < UNITS; u++) {
        int k = k0 + u * 16 * step;
        if (k >= live_cols) break;
        int4 v = wv[u];
        float scale = half_to_float(sv[u]);
        int words[4] = {v.x, v.y, v.z, v.w};
        float f[16];
#pragma unroll
        for (int i = 0; i < 16; i++) f[i] = (float) (signed char) (words[i >> 2] >> (8 * (i & 3)));
#pragma unroll
        for (int b = 0; b < NB; b++) {
            if (b < batch) {
                const float* xp = x + (long long) b * ldx + k;
                float sum = 0.0f;
#pragma unroll
                for (int i = 0; i < 16; i += 4) sum += dot4(make_float4(f[i], f[i + 1], f[i + 2], f[i + 3]), *(const float4*) (xp + i));
                acc[b] += sum * scale;
            }
        }
      }
    }
    finish<NB>(acc, batch, row, live_cols, split, bias, y, ldy, accumulate);
}

// Q4_0, split layout: 16 bytes of nibbles per block of 32 (byte j: element j low, j + 16 high),
// one fp16 scale per block; value (nibble − 8)·scale. A lane takes one block.
template <int NB>
__device__ __forceinline__ void matvec_q4_0_rows(MATVEC_ARGS) {  // cols % 32 == 0
    MATVEC_ROW(0LL)
    const u8* w = q + (long long) row * (cols >> 1);
    const u16* s = d + (long long) row * (cols >> 5);
    for (int k0 = lane * 32; k0 < live_cols; k0 += 32 * step * UNITS) {
      uint4 wv[UNITS];
      u16 sv[UNITS];
#pragma unroll
      for (int u = 0; u < UNITS; u++) {
          int k = k0 + u * 32 * step;
          wv[u] = k < live_cols ? __ldg((const uint4*) (w + (k >> 1))) : make_uint4(0, 0, 0, 0);
          sv[u] = k < live_cols ? s[k >> 5] : 0;
      }
#pragma unroll
      for (int u = 0; u < UNITS; u++) {
        int k = k0 + u * 32 * step;
        if (k >= live_cols) break;
        uint4 v = wv[u];
        float scale = half_to_float(sv[u]);
        u32 words[4] = {v.x, v.y, v.z, v.w};
        float lo[16], hi[16];
#pragma unroll
        for (int i = 0; i < 16; i++) {
            u32 byte = (words[i >> 2] >> (8 * (i & 3))) & 0xFF;
            lo[i] = (float) ((int) (byte & 15) - 8);
            hi[i] = (float) ((int) (byte >> 4) - 8);
        }
#pragma unroll
        for (int b = 0; b < NB; b++) {
            if (b < batch) {
                const float* xp = x + (long long) b * ldx + k;
                float sum = 0.0f;
#pragma unroll
                for (int i = 0; i < 16; i += 4) {
                    sum += dot4(make_float4(lo[i], lo[i + 1], lo[i + 2], lo[i + 3]), *(const float4*) (xp + i));
                    sum += dot4(make_float4(hi[i], hi[i + 1], hi[i + 2], hi[i + 3]), *(const float4*) (xp + 16 + i));
                }
                acc[b] += sum * scale;
            }
        }
      }
    }
    finish<NB>(acc, batch, row, live_cols, split, bias, y, ldy, accumulate);
}

// Q4_K as in the file: 144-byte super-blocks of 256 (rows stay 16-byte aligned). Four lanes share
// a super-block, each taking one 64-value group: 32 bytes of nibbles, low nibbles sub-block 2g and
// high nibbles 2g + 1. Σ (d·sc·n − dmin·m)·x = d·sc·Σ n·x − dmin·m·Σ x.
template <int NB>
__device__ __forceinline__ void matvec_q4_k_rows(MATVEC_ARGS) {  // cols % 256 == 0
    MATVEC_ROW((long long) (cols >> 8) * BLOCK_BYTES_Q4_K)
    int blocks = cols >> 8, g = lane & 3;
    const u8* rowp = q + (long long) row * blocks * BLOCK_BYTES_Q4_K;
    for (int sb = lane >> 2; sb < (live_cols >> 8); sb += step >> 2) {
        const u8* blk = rowp + sb * BLOCK_BYTES_Q4_K;
        float dd = half_to_float(*(const u16*) blk), dmin = half_to_float(*(const u16*) (blk + 2));
        float sc1, m1, sc2, m2;
        q4k_scale_min(2 * g, blk + 4, &sc1, &m1);
        q4k_scale_min(2 * g + 1, blk + 4, &sc2, &m2);
        uint4 v0 = *(const uint4*) (blk + 16 + 32 * g), v1 = *(const uint4*) (blk + 32 + 32 * g);
        u32 words[8] = {v0.x, v0.y, v0.z, v0.w, v1.x, v1.y, v1.z, v1.w};
        int k = sb * 256 + 64 * g;
#pragma unroll
        for (int b = 0; b < NB; b++) {
            if (b < batch) {
                const float* xp = x + (long long) b * ldx + k;
                float nlo = 0.0f, nhi = 0.0f, slo = 0.0f, shi = 0.0f;
#pragma unroll
                for (int i = 0; i < 32; i += 4) {
                    u32 w = words[i >> 2];
                    float4 xl = *(const float4*) (xp + i), xh = *(const float4*) (xp + 32 + i);
                    nlo += dot4(make_float4((float) (w & 15), (float) ((w >> 8) & 15), (float) ((w >> 16) & 15), (float) ((w >> 24) & 15)), xl);
                    nhi += dot4(make_float4((float) ((w >> 4) & 15), (float) ((w >> 12) & 15), (float) ((w >> 20) & 15), (float) ((w >> 28) & 15)), xh);
                    slo += xl.x + xl.y + xl.z + xl.w;
                    shi += xh.x + xh.y + xh.z + xh.w;
                }
                acc[b] += dd * (sc1 * nlo + sc2 * nhi) - dmin * (m1 * slo + m2 * shi);
            }
        }
    }
    finish<NB>(acc, batch, row, live_cols, split, bias, y, ldy, accumulate);
}

extern "C" __global__ void matvec_q8_0(MATVEC_ARGS) { matvec_q8_0_rows<MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_q8_0_b1(MATVEC_ARGS) { matvec_q8_0_rows<1>(MATVEC_PASS); }
extern "C" __global__ void matvec_q4_0(MATVEC_ARGS) { matvec_q4_0_rows<MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_q4_0_b1(MATVEC_ARGS) { matvec_q4_0_rows<1>(MATVEC_PASS); }
extern "C" __global__ void matvec_q4_k(MATVEC_ARGS) { matvec_q4_k_rows<MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_q4_k_b1(MATVEC_ARGS) { matvec_q4_k_rows<1>(MATVEC_PASS); }

// ---- int8 products (dp4a) for the quantized types
//
// Converting every weight to float made the Q8_0, Q4_0 and K-quant kernels bound by arithmetic,
// not by the bytes they stream. Instead, as llama.cpp does, the activation vector is quantized once
// (quantize_x: int8 blocks of 32 with a float scale dx and the scaled sum dx·Σq, Q8_1-like), and
// the weights' integer quants are multiplied with it four at a time by __dp4a; the float scales
// are applied once per block. Σq lets the types with an offset (Q4_0's −8, Q4_K's mins, Q6_K's
// −32) take it out of the integer sum instead of per value.

// x[b] (cols % 32 == 0, b < batch) → xq[b·cols + i] int8, xs[b·cols/32 + j] = (dx, dx·Σq) of block j
// (common.cuh's quantize_block), one warp a block: for inputs whose producer does not quantize them.
extern "C" __global__ void quantize_x(const float* x, int ldx, int cols, int batch, i8* xq, float2* xs) {
    after_previous_kernel();
    int blocks = cols >> 5;
    int j = blockIdx.x * 4 + (threadIdx.x >> 5);
    if (j >= blocks * batch) return;  // a whole warp leaves: no barrier below
    int b = j / blocks, jb = j - b * blocks;
    quantize_block(x[(long long) b * ldx + 32 * jb + (threadIdx.x & 31)], xq, xs, (long long) b * cols + 32 * jb);
}

#define MATVEC8_ARGS const u8* q, const u16* d, int rows, int cols, const i8* xq, const float2* xs, int batch, \
                     const float* bias, float* y, int ldy, int accumulate, int split
#define MATVEC8_PASS q, d, rows, cols, xq, xs, batch, bias, y, ldy, accumulate, split

__device__ __forceinline__ int xword(const i8* x, int k) { return *(const int*) (x + k); }

// One type's unit of work for matvec_int8: VALUES weights of a row that one lane loads (load) and
// multiplies with each vector (dot: xq and xs of that vector). A unit's loads are issued UNITS at a
// time before the first dot, as the float kernels do, to keep bytes in flight.

// Q8_0, split layout: 16 quants of one block.
struct Q8_0Units {
    static constexpr int VALUES = 16;
    static __device__ __forceinline__ long long prefetch_bytes(int cols) { return 0; }  // streams near the copy bandwidth
    struct Unit { int4 q; float d; };
    static __device__ __forceinline__ Unit load(const u8* q, const u16* d, int row, int cols, int u) {
        long long e = (long long) row * cols + 16 * u;
        return {__ldg((const int4*) ((const i8*) q + e)), half_to_float(d[e >> 5])};
    }
    static __device__ __forceinline__ float dot(const Unit& w, const i8* xq, const float2* xs, int u) {
        int4 xv = *(const int4*) (xq + 16 * u);
        int s = __dp4a(w.q.x, xv.x, 0);
        s = __dp4a(w.q.y, xv.y, s);
        s = __dp4a(w.q.z, xv.z, s);
        s = __dp4a(w.q.w, xv.w, s);
        return w.d * xs[u >> 1].x * (float) s;
    }
};

// Q4_0, split layout: one block (byte j: element j low nibble, j + 16 high). Σ (n − 8)·q·dx·d = d·(dx·Σ n·q − 8·dx·Σq).
struct Q4_0Units {
    static constexpr int VALUES = 32;
    static __device__ __forceinline__ long long prefetch_bytes(int cols) { return 0; }
    struct Unit { uint4 q; float d; };
    static __device__ __forceinline__ Unit load(const u8* q, const u16* d, int row, int cols, int u) {
        long long blk = (long long) row * (cols >> 5) + u;
        return {__ldg((const uint4*) (q + 16 * blk)), half_to_float(d[blk])};
    }
    static __device__ __forceinline__ float dot(const Unit& w, const i8* xq, const float2* xs, int u) {
        const i8* x = xq + 32 * u;
        u32 words[4] = {w.q.x, w.q.y, w.q.z, w.q.w};
        int s = 0;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            s = __dp4a((int) (words[i] & 0x0F0F0F0F), xword(x, 4 * i), s);
            s = __dp4a((int) ((words[i] >> 4) & 0x0F0F0F0F), xword(x, 16 + 4 * i), s);
        }
        float2 sx = xs[u];
        return w.d * (sx.x * (float) s - 8.0f * sx.y);
    }
};

// Q4_K as in the file: 16 of the 32 bytes of nibbles of a 64-value group g of a 256-value super-block
// (half h of them): low nibbles are values 16h.. of sub-block 2g, high ones the same of sub-block
// 2g + 1. Σ (d·sc·n − dmin·m)·x = d·sc·dx·Σ n·q − dmin·m·dx·Σq per sub-block, Σq over these 16
// values (the block sum of xs covers 32). Units of 16 bytes, not the whole group, give rows of
// 2048 values 64 units: every lane of two warps gets one.
struct Q4_KUnits {
    static constexpr int VALUES = 32;
    static __device__ __forceinline__ long long prefetch_bytes(int cols) { return (long long) (cols >> 8) * BLOCK_BYTES_Q4_K; }  // the row
    struct Unit { uint4 q; float d1, d2, m1, m2; };  // d·sc and dmin·m of the two sub-blocks
    // byte i (0..11) of the packed scales held as three words: selects, not a local array (that
    // would live in local memory with a run-time index)
    static __device__ __forceinline__ u32 scale_byte(u32 s0, u32 s1, u32 s2, int i) {
        u32 w = i < 4 ? s0 : i < 8 ? s1 : s2;
        return (w >> (8 * (i & 3))) & 0xFF;
    }
    // q4k_scale_min on the words
    static __device__ __forceinline__ void scale_min(int j, u32 s0, u32 s1, u32 s2, float* sc, float* mn) {
        if (j < 4) {
            *sc = (float) (scale_byte(s0, s1, s2, j) & 63);
            *mn = (float) (scale_byte(s0, s1, s2, j + 4) & 63);
        } else {
            *sc = (float) ((scale_byte(s0, s1, s2, j + 4) & 0xF) | ((scale_byte(s0, s1, s2, j - 4) >> 6) << 4));
            *mn = (float) ((scale_byte(s0, s1, s2, j + 4) >> 4) | ((scale_byte(s0, s1, s2, j) >> 6) << 4));
        }
    }
    // The header (d, dmin) and the 12 scale bytes as four aligned words (a super-block starts at a
    // multiple of 144 bytes from a 16-byte aligned row) rather than byte loads: fewer load
    // instructions per 16 bytes of nibbles, for a kernel that is not bound by bytes.
    static __device__ __forceinline__ Unit load(const u8* q, const u16* d, int row, int cols, int u) {
        const u8* blk = q + ((long long) row * (cols >> 8) + (u >> 3)) * BLOCK_BYTES_Q4_K;
        int g = (u >> 1) & 3;
        u32 h = __ldg((const u32*) blk), s0 = __ldg((const u32*) (blk + 4)), s1 = __ldg((const u32*) (blk + 8)),
            s2 = __ldg((const u32*) (blk + 12));
        float dd = half_to_float((u16) (h & 0xFFFF)), dmin = half_to_float((u16) (h >> 16)), sc1, m1, sc2, m2;
        scale_min(2 * g, s0, s1, s2, &sc1, &m1);
        scale_min(2 * g + 1, s0, s1, s2, &sc2, &m2);
        return {load_w16(blk + 16 + 32 * g + 16 * (u & 1)), dd * sc1, dd * sc2, dmin * m1, dmin * m2};
    }
    // the unit's 32 activation quants as two 16-byte loads and both blocks' (dx, dx·Σq) as one
    static __device__ __forceinline__ float dot(const Unit& w, const i8* xq, const float2* xs, int u) {
        int k = (u >> 3) * 256 + ((u >> 1) & 3) * 64 + 16 * (u & 1);  // value index of the first low nibble
        int4 xa = *(const int4*) (xq + k), xb = *(const int4*) (xq + k + 32);
        int x1[4] = {xa.x, xa.y, xa.z, xa.w}, x2[4] = {xb.x, xb.y, xb.z, xb.w};
        u32 words[4] = {w.q.x, w.q.y, w.q.z, w.q.w};
        int s1 = 0, s2 = 0, q1 = 0, q2 = 0;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            s1 = __dp4a((int) (words[i] & 0x0F0F0F0F), x1[i], s1);
            s2 = __dp4a((int) ((words[i] >> 4) & 0x0F0F0F0F), x2[i], s2);
            q1 = __dp4a(0x01010101, x1[i], q1);
            q2 = __dp4a(0x01010101, x2[i], q2);
        }
        float4 sx = *(const float4*) (xs + (k >> 5));  // k / 32 is even: 16-byte aligned
        return sx.x * (w.d1 * (float) s1 - w.m1 * (float) q1) + sx.z * (w.d2 * (float) s2 - w.m2 * (float) q2);
    }
};

// Q6_K in its device layout (common.cuh's DEVICE_BYTES_Q6_K: super-blocks padded to 224 bytes, each
// 16-byte aligned). A unit is 16 consecutive positions l0..l0+15 (l0 = 0 or 16) of one half h (128
// values) of a super-block: 16 bytes of ql at l0, 16 at l0 + 32 and 16 of qh at l0 give 64 values, 16
// in each of the half's four 32-value runs p (ggml's dequantize_row_q6_K: run p is nibble p / 2 of
// ql[l + 32·(p % 2)] and bits 2p of qh[l]); value d·sc·(q − 32), sc = scales[8h + l0 / 16 + 2p], the
// int8 scale of the run's 16 values. Five loads a unit (three 16-byte vectors, the half's 8 scale
// bytes, d); in the file's layout (2-byte alignment) the same 64 values took 44 2-byte and byte
// loads, which bound the kernel by instructions (lm head 215 MB at 1.7 TB/s on the H200).
struct Q6_KUnits {
    static constexpr int VALUES = 64;
#ifndef NO_Q6K_PREFETCH  // -Dbantam.cuda.define=NO_Q6K_PREFETCH: without the row's L2 prefetch, to compare
    static __device__ __forceinline__ long long prefetch_bytes(int cols) { return (long long) (cols >> 8) * DEVICE_BYTES_Q6_K; }  // the row
#else
    static __device__ __forceinline__ long long prefetch_bytes(int cols) { return 0; }
#endif
    struct Unit { uint4 ql0, ql1, qh; uint2 sc; float d; };
    static __device__ __forceinline__ Unit load(const u8* q, const u16* d, int row, int cols, int u) {
        const u8* blk = q + ((long long) row * (cols >> 8) + (u >> 2)) * DEVICE_BYTES_Q6_K;
        int h = (u >> 1) & 1, l0 = (u & 1) * 16;
        return {load_w16(blk + 64 * h + l0), load_w16(blk + 64 * h + 32 + l0), load_w16(blk + 128 + 32 * h + l0),
                __ldg((const uint2*) (blk + 192 + 8 * h)), half_to_float(__ldg((const u16*) (blk + 208)))};
    }
    // run p's 16 activation quants as one 16-byte load; the four runs' blocks are consecutive (their
    // first is a multiple of 4): their (dx, dx·Σq) as two 16-byte loads
    static __device__ __forceinline__ float dot(const Unit& w, const i8* xq, const float2* xs, int u) {
        int h = (u >> 1) & 1, is = u & 1;
        int base = (u >> 2) * 256 + 128 * h + 16 * is;  // value index of run 0's first position
        const float4* sx = (const float4*) (xs + (u >> 2) * 8 + 4 * h);
        float4 s01 = sx[0], s23 = sx[1];
        float dx[4] = {s01.x, s01.z, s23.x, s23.z};
        // scales[8h + is + 2p]: bytes is and is + 2 of each word of the half's 8 scale bytes
        int sc[4] = {(signed char) (w.sc.x >> (8 * is)), (signed char) (w.sc.x >> (8 * is + 16)),
                     (signed char) (w.sc.y >> (8 * is)), (signed char) (w.sc.y >> (8 * is + 16))};
        u32 l0[4] = {w.ql0.x, w.ql0.y, w.ql0.z, w.ql0.w}, l1[4] = {w.ql1.x, w.ql1.y, w.ql1.z, w.ql1.w},
            hb[4] = {w.qh.x, w.qh.y, w.qh.z, w.qh.w};
        int4 x0 = *(const int4*) (xq + base), x1 = *(const int4*) (xq + base + 32),
             x2 = *(const int4*) (xq + base + 64), x3 = *(const int4*) (xq + base + 96);
        int xa[4] = {x0.x, x0.y, x0.z, x0.w}, xb[4] = {x1.x, x1.y, x1.z, x1.w}, xc[4] = {x2.x, x2.y, x2.z, x2.w},
            xd[4] = {x3.x, x3.y, x3.z, x3.w};
        int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            // 6-bit values 0..63 per byte, then −32 with a signed per-byte subtraction
            s0 = __dp4a((int) __vsubss4((int) ((l0[i] & 0x0F0F0F0F) | ((hb[i] << 4) & 0x30303030)), 0x20202020), xa[i], s0);
            s1 = __dp4a((int) __vsubss4((int) ((l1[i] & 0x0F0F0F0F) | ((hb[i] << 2) & 0x30303030)), 0x20202020), xb[i], s1);
            s2 = __dp4a((int) __vsubss4((int) (((l0[i] >> 4) & 0x0F0F0F0F) | (hb[i] & 0x30303030)), 0x20202020), xc[i], s2);
            s3 = __dp4a((int) __vsubss4((int) (((l1[i] >> 4) & 0x0F0F0F0F) | ((hb[i] >> 2) & 0x30303030)), 0x20202020), xd[i], s3);
        }
        return w.d * ((float) sc[0] * dx[0] * (float) s0 + (float) sc[1] * dx[1] * (float) s1
                      + (float) sc[2] * dx[2] * (float) s2 + (float) sc[3] * dx[3] * (float) s3);
    }
};

template <class T, int NB>
__device__ __forceinline__ void matvec_int8(MATVEC8_ARGS) {  // cols % T's block size == 0
    MATVEC_ROW(T::prefetch_bytes(cols))
    // units in flight a lane: NB_UNITS, or one of 64 values (Q6_K: three 16-byte loads already; the
    // llama shapes give each lane one unit, and a second's registers would cost resident warps)
    constexpr int U = T::VALUES >= 64 ? 1 : NB_UNITS;
    int units = live_cols / T::VALUES;
    for (int u0 = lane; u0 < units; u0 += step * U) {
        typename T::Unit w[U];
#pragma unroll
        for (int i = 0; i < U; i++) {
            int u = u0 + i * step;
            if (u < units) w[i] = T::load(q, d, row, cols, u);
        }
#pragma unroll
        for (int i = 0; i < U; i++) {
            int u = u0 + i * step;
            if (u >= units) break;
#pragma unroll
            for (int b = 0; b < NB; b++)
                if (b < batch) acc[b] += T::dot(w[i], xq + (long long) b * cols, xs + (long long) b * (cols >> 5), u);
        }
    }
    finish<NB>(acc, batch, row, live_cols, split, bias, y, ldy, accumulate);
}

extern "C" __global__ void matvec8_q8_0(MATVEC8_ARGS) { matvec_int8<Q8_0Units, MAX_BATCH>(MATVEC8_PASS); }
extern "C" __global__ void matvec8_q8_0_b1(MATVEC8_ARGS) { matvec_int8<Q8_0Units, 1>(MATVEC8_PASS); }
extern "C" __global__ void matvec8_q4_0(MATVEC8_ARGS) { matvec_int8<Q4_0Units, MAX_BATCH>(MATVEC8_PASS); }
extern "C" __global__ void matvec8_q4_0_b1(MATVEC8_ARGS) { matvec_int8<Q4_0Units, 1>(MATVEC8_PASS); }
extern "C" __global__ void matvec8_q4_k(MATVEC8_ARGS) { matvec_int8<Q4_KUnits, MAX_BATCH>(MATVEC8_PASS); }
extern "C" __global__ void matvec8_q4_k_b1(MATVEC8_ARGS) { matvec_int8<Q4_KUnits, 1>(MATVEC8_PASS); }
extern "C" __global__ void matvec8_q6_k(MATVEC8_ARGS) { matvec_int8<Q6_KUnits, MAX_BATCH>(MATVEC8_PASS); }
extern "C" __global__ void matvec8_q6_k_b1(MATVEC8_ARGS) { matvec_int8<Q6_KUnits, 1>(MATVEC8_PASS); }

// Q4_1, Q5_0, Q5_1, Q5_K as in the file and Q6_K padded (blocks of 20, 22, 24, 176 and 224 bytes:
// the first four not 16-byte multiples, so no vector loads): a lane takes one 32-value group at a time (group_value in
// common.cuh), neighbouring lanes neighbouring groups. Correct first; not tuned like the kernels above.
template <int TYPE, int NB>
__device__ __forceinline__ void matvec_groups(MATVEC_ARGS) {  // cols % block size == 0
    MATVEC_ROW(row_bytes(TYPE, cols))
    const u8* rowp = q + (long long) row * row_bytes(TYPE, cols);
    for (int j = lane; j < (live_cols >> 5); j += step) {
        float f[32];
#pragma unroll
        for (int l = 0; l < 32; l++) f[l] = group_value(TYPE, rowp, j, l);
#pragma unroll
        for (int b = 0; b < NB; b++) {
            if (b < batch) {
                const float* xp = x + (long long) b * ldx + 32 * j;
                float sum = 0.0f;
#pragma unroll
                for (int i = 0; i < 32; i += 4) sum += dot4(make_float4(f[i], f[i + 1], f[i + 2], f[i + 3]), *(const float4*) (xp + i));
                acc[b] += sum;
            }
        }
    }
    finish<NB>(acc, batch, row, live_cols, split, bias, y, ldy, accumulate);
}

extern "C" __global__ void matvec_q4_1(MATVEC_ARGS) { matvec_groups<T_Q4_1, MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_q4_1_b1(MATVEC_ARGS) { matvec_groups<T_Q4_1, 1>(MATVEC_PASS); }
extern "C" __global__ void matvec_q5_0(MATVEC_ARGS) { matvec_groups<T_Q5_0, MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_q5_0_b1(MATVEC_ARGS) { matvec_groups<T_Q5_0, 1>(MATVEC_PASS); }
extern "C" __global__ void matvec_q5_1(MATVEC_ARGS) { matvec_groups<T_Q5_1, MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_q5_1_b1(MATVEC_ARGS) { matvec_groups<T_Q5_1, 1>(MATVEC_PASS); }
extern "C" __global__ void matvec_q5_k(MATVEC_ARGS) { matvec_groups<T_Q5_K, MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_q5_k_b1(MATVEC_ARGS) { matvec_groups<T_Q5_K, 1>(MATVEC_PASS); }
extern "C" __global__ void matvec_q6_k(MATVEC_ARGS) { matvec_groups<T_Q6_K, MAX_BATCH>(MATVEC_PASS); }
extern "C" __global__ void matvec_q6_k_b1(MATVEC_ARGS) { matvec_groups<T_Q6_K, 1>(MATVEC_PASS); }

// Any type and any row length, one element at a time: for shapes the vector kernels do not take.
extern "C" __global__ void matvec_generic(const u8* q, const u16* d, int type, int rows, int cols, const float* x, int ldx,
                                          int batch, const float* bias, float* y, int ldy, int accumulate, int split) {
    constexpr int NB = MAX_BATCH;
    MATVEC_ROW(0LL)
    for (int k = lane; k < live_cols; k += step) {
        float w = weight_at(q, d, type, row, cols, k);
#pragma unroll
        for (int b = 0; b < NB; b++)
            if (b < batch) acc[b] += w * x[(long long) b * ldx + k];
    }
    finish<NB>(acc, batch, row, live_cols, split, bias, y, ldy, accumulate);
}
