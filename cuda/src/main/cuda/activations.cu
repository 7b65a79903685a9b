// Element-wise stages of a block: the gated activations (SwiGLU, GeGLU), GELU, bias and residual
// adds, logit soft-capping.
#include "common.cuh"

#define GRID_STRIDE(i, n) for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < (n); i += (long long) gridDim.x * blockDim.x)

// gelu_tanh and gate_act (GATE_SILU, GATE_GELU): common.cuh, shared with matvec.cu's gated products

// gate = act(gate) · up
extern "C" __global__ void gated(float* gate, const float* up, long long n, int act) {
    after_previous_kernel();
    GRID_STRIDE(i, n) gate[i] = gate_act(gate[i], act) * up[i];
}

extern "C" __global__ void gelu(float* x, long long n) {
    after_previous_kernel();
    GRID_STRIDE(i, n) x[i] = gelu_tanh(x[i]);
}

// x = cap · tanh(x / cap) (final_logit_softcapping)
extern "C" __global__ void softcap(float* x, long long n, float cap) {
    after_previous_kernel();
    GRID_STRIDE(i, n) x[i] = cap * tanhf(x[i] / cap);
}

// y[r][0..n) += b for rows r of stride ldy
extern "C" __global__ void add_bias(float* y, int ldy, const float* b, int n, int rows) {
    after_previous_kernel();
    GRID_STRIDE(i, (long long) rows * n) {
        long long r = i / n;
        int c = (int) (i % n);
        y[r * ldy + c] += b[c];
    }
}

// x += y (residual)
extern "C" __global__ void add(float* x, const float* y, long long n) {
    after_previous_kernel();
    GRID_STRIDE(i, n) x[i] += y[i];
}

// rows of [gate | up] (2·ffn wide, from the stacked or fused product) → out[r] = act(gate[r]) · up[r];
// with xq != 0 (ffn % 32 == 0, and the grid's threads a multiple of 32, so that a warp holds one
// whole block) also the int8 input of the dp4a matrix-vector kernels (common.cuh's quantize_block)
extern "C" __global__ void gated_rows(const float* gate_up, float* out, int ffn, int rows, int act, i8* xq, float2* xs) {
    after_previous_kernel();
    GRID_STRIDE(i, (long long) rows * ffn) {
        long long r = i / ffn;
        int c = (int) (i % ffn);
        float v = gate_act(gate_up[r * 2 * ffn + c], act) * gate_up[r * 2 * ffn + ffn + c];
        out[i] = v;
        if (xq) quantize_block(v, xq, xs, i & ~31LL);
    }
}
