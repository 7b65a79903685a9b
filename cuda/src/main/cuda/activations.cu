// Element-wise stages of a block: SwiGLU, GELU, bias and residual adds.
#include "common.cuh"

#define GRID_STRIDE(i, n) for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < (n); i += (long long) gridDim.x * blockDim.x)

// gate = silu(gate) · up
extern "C" __global__ void swiglu(float* gate, const float* up, long long n) {
    GRID_STRIDE(i, n) {
        float g = gate[i];
        gate[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

// GELU, tanh approximation (GPT-2's gelu_new)
extern "C" __global__ void gelu(float* x, long long n) {
    GRID_STRIDE(i, n) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
    }
}

// y[r][0..n) += b for rows r of stride ldy
extern "C" __global__ void add_bias(float* y, int ldy, const float* b, int n, int rows) {
    GRID_STRIDE(i, (long long) rows * n) {
        long long r = i / n;
        int c = (int) (i % n);
        y[r * ldy + c] += b[c];
    }
}

// x += y (residual)
extern "C" __global__ void add(float* x, const float* y, long long n) {
    GRID_STRIDE(i, n) x[i] += y[i];
}

// rows of [gate | up] (2·ffn wide, from the stacked product) → out[r] = silu(gate[r]) · up[r]
extern "C" __global__ void swiglu_rows(const float* gate_up, float* out, int ffn, int rows) {
    GRID_STRIDE(i, (long long) rows * ffn) {
        long long r = i / ffn;
        int c = (int) (i % ffn);
        float g = gate_up[r * 2 * ffn + c];
        out[i] = g / (1.0f + expf(-g)) * gate_up[r * 2 * ffn + ffn + c];
    }
}
