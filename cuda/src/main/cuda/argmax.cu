// Greedy sampling on the device: the index of each row's largest logit (lowest index on ties).
#include "common.cuh"

extern "C" __global__ void argmax(const float* logits, int vocab, int* out) {
    after_previous_kernel();
    const float* x = logits + (long long) blockIdx.x * vocab;
    float best = -INFINITY;
    int index = 0x7FFFFFFF;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        if (x[i] > best) { best = x[i]; index = i; }
    }
    for (int o = 16; o > 0; o >>= 1) {
        float b = __shfl_xor_sync(0xffffffff, best, o);
        int j = __shfl_xor_sync(0xffffffff, index, o);
        if (b > best || (b == best && j < index)) { best = b; index = j; }
    }
    __shared__ float sb[32];
    __shared__ int si[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    if (lane == 0) { sb[warp] = best; si[warp] = index; }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < warps; w++) if (sb[w] > sb[0] || (sb[w] == sb[0] && si[w] < si[0])) { sb[0] = sb[w]; si[0] = si[w]; }
        out[blockIdx.x] = si[0];
    }
}
