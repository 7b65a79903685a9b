// Rotary position embedding of the new rows' queries and keys, and the append of their keys and
// values to the device KV cache, in one launch per layer. The rows' sequence and position come
// from device memory, so a captured decode graph replays at any position.
#include "common.cuh"

// Element i of a cache of f16 (kv_half != 0) or f32 elements := v
__device__ __forceinline__ void kv_store(void* cache, long long i, float v, int kv_half) {
    if (kv_half) kv_put((u16*) cache + i, v);
    else kv_put((float*) cache + i, v);
}

// qkv rows: [q: heads·hd | k: kv_heads·hd | v: kv_heads·hd] at stride ld. neox: 1 pairs i with
// i + rope_dims/2, 0 pairs (2i, 2i+1), −1 no rotation (learned positions). inv_freq[i] =
// theta^(−2i/rope_dims), computed once on the host in double; the angle pos·inv_freq is taken in
// double too, as the CPU engine does. Cache layout per layer: [sequence][position][kv_heads·hd],
// f32 elements, or f16 where kv_half != 0 (common.cuh's kv_put).
// Grid (rows, slices): slice s of a row takes pair/element indices s·blockDim.x + threadIdx.x.
extern "C" __global__ void rope_store_kv(float* qkv, int ld, int heads, int kv_heads, int hd, int rope_dims,
                                         const double* inv_freq, int neox, const int* seq, const int* pos,
                                         void* kcache, void* vcache, int capacity, int kv_half) {
    after_previous_kernel();
    int r = blockIdx.x, t = blockIdx.y * blockDim.x + threadIdx.x;
    int half = rope_dims / 2, kvd = kv_heads * hd;
    float* q = qkv + (long long) r * ld;
    float* k = q + heads * hd;
    float* v = k + kvd;
    long long slot = ((long long) seq[r] * capacity + pos[r]) * kvd;
    if (neox >= 0 && t < (heads + kv_heads) * half) {
        int h = t / half, i = t % half;
        bool isKey = h >= heads;
        int base = (isKey ? h - heads : h) * hd;
        int a = neox ? base + i : base + 2 * i;
        int b = neox ? a + half : a + 1;
        double s, c;
        sincos((double) pos[r] * inv_freq[i], &s, &c);
        float cs = (float) c, sn = (float) s;
        float* src = isKey ? k : q;
        float x0 = src[a], x1 = src[b];
        float y0 = x0 * cs - x1 * sn, y1 = x0 * sn + x1 * cs;
        if (isKey) {
            kv_store(kcache, slot + a, y0, kv_half);
            kv_store(kcache, slot + b, y1, kv_half);
        } else {
            q[a] = y0;
            q[b] = y1;
        }
    }
    if (t < kvd) {
        bool rotated = neox >= 0 && t % hd < rope_dims;
        if (!rotated) kv_store(kcache, slot + t, k[t], kv_half);
        kv_store(vcache, slot + t, v[t], kv_half);
    }
}
