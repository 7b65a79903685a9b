// Token (and learned position) embedding lookup, RMSNorm and LayerNorm: one block per row.
#include "common.cuh"

// x[r] = E[tokens[r]] (+ P[pos[r]] when the model has learned positions, pq != 0)
extern "C" __global__ void embed(const u8* eq, const u16* ed, int etype, int dim, const int* tokens,
                                 const u8* pq, const u16* pd, int ptype, const int* pos, float* x) {
    int r = blockIdx.x, t = tokens[r];
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        float v = weight_at(eq, ed, etype, t, dim, i);
        if (pq) v += weight_at(pq, pd, ptype, pos[r], dim, i);
        x[(long long) r * dim + i] = v;
    }
}

// out = x / sqrt(mean(x²) + eps) · w
extern "C" __global__ void rms_norm(const float* x, const float* w, float* out, int dim, float eps) {
    const float* xr = x + (long long) blockIdx.x * dim;
    float* o = out + (long long) blockIdx.x * dim;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) ss += xr[i] * xr[i];
    float scale = rsqrtf(block_sum(ss) / dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) o[i] = xr[i] * scale * w[i];
}

// out = (x − mean) / sqrt(var + eps) · w + b (two passes over the row: the variance of centred values)
extern "C" __global__ void layer_norm(const float* x, const float* w, const float* b, float* out, int dim, float eps) {
    const float* xr = x + (long long) blockIdx.x * dim;
    float* o = out + (long long) blockIdx.x * dim;
    float s = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) s += xr[i];
    float mean = block_sum(s) / dim;
    float v = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) { float c = xr[i] - mean; v += c * c; }
    float scale = rsqrtf(block_sum(v) / dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) o[i] = (xr[i] - mean) * scale * w[i] + b[i];
}
