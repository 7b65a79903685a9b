package dev.bantam.cuda;

/**
 * One typed method per CUDA kernel, so that a launch's argument list is checked by the compiler
 * instead of being counted in an {@code Object...}: each method takes the kernel's parameters in
 * the order and under the names of its {@code extern "C"} signature (quoted above it), pointers and
 * {@code long long} as {@code long}. Parameters before the kernel's own (rows, splits) are the
 * launch's extent where the kernel does not receive it; the threads per block a kernel's code
 * assumes, and a grid-stride kernel's grid, are fixed here. The untyped packing exists only here
 * and in Gpu's private launch. DeviceKernelsTest checks the packed arguments of every method
 * against the signatures parsed from the sources.
 */
final class DeviceKernels {
    /** layout.cu's out_type of {@link #dequantize} and {@link #convertF32}. */
    static final int OUT_F16 = 0, OUT_BF16 = 1;
    /** activations.cu's act of {@link #gated} and {@link #gatedRows}: GATE_SILU (SwiGLU), GATE_GELU (GeGLU). */
    static final int GATE_SILU = 0, GATE_GELU = 1;

    /** Where a packed launch goes: {@link Gpu}'s stream, or a recorder in tests. */
    interface Launcher {
        void launch(String kernel, int[] grid, int block, Object... args);
    }

    private final Launcher gpu;

    DeviceKernels(Launcher gpu) {
        this.gpu = gpu;
    }

    /** Blocks of 256 threads for a grid-stride loop over n elements: enough to fill the GPU, at most 4096. */
    private static int[] gridStride(long n) {
        return new int[] {(int) Math.max(1, Math.min((n + 255) / 256, 4096))};
    }

    // ---- embed_norm.cu: one block per row

    /**
     * {@code embed(const u8* eq, const u16* ed, int etype, int dim, float scale, const int* tokens, const u8* pq, const u16* pd,
     * int ptype, const int* pos, float* x, const float* norm_w, float* xb, float* norm_scale, float eps)}; normW != 0: also
     * xb = x·normW and normScale[r] = 1 / sqrt(mean(x[r]²) + eps), the first RMSNorm for {@link #matvecNormed}, by 1024
     * threads a row rather than 256 (the row's loads in fewer rounds before the sum; the step's first kernel waits for it).
     */
    void embed(int rows, long eq, long ed, int etype, int dim, float scale, long tokens, long pq, long pd, int ptype, long pos, long x,
               long normW, long xb, long normScale, float eps) {
        gpu.launch("embed", new int[] {rows}, normW != 0 ? 1024 : 256, eq, ed, etype, dim, scale, tokens, pq, pd, ptype, pos, x,
                normW, xb, normScale, eps);
    }

    /**
     * {@code rms_norm(const float* x, const float* w, float* out, int dim, float eps, i8* xq, float2* xs)}; block_sum takes
     * up to 1024 threads. xq != 0: out also quantized for the int8 matrix-vector kernels (as {@link #quantizeX}).
     */
    void rmsNorm(int rows, long x, long w, long out, int dim, float eps, long xq, long xs) {
        gpu.launch("rms_norm", new int[] {rows}, 1024, x, w, out, dim, eps, xq, xs);
    }

    /** {@code rms_norm_add(const float* x, const float* w, float* out, int dim, float eps)}: out += RMSNorm(x)·w. */
    void rmsNormAdd(int rows, long x, long w, long out, int dim, float eps) {
        gpu.launch("rms_norm_add", new int[] {rows}, 1024, x, w, out, dim, eps);
    }

    /**
     * {@code head_norm(float* qkv, int ld, int heads, int hd, const float* qw, const float* kw, float eps)}: grid
     * (rows, heads + kvHeads), one warp a head.
     */
    void headNorm(int rows, int kvHeads, long qkv, int ld, int heads, int hd, long qw, long kw, float eps) {
        gpu.launch("head_norm", new int[] {rows, heads + kvHeads}, 32, qkv, ld, heads, hd, qw, kw, eps);
    }

    /** {@code layer_norm(const float* x, const float* w, const float* b, float* out, int dim, float eps, i8* xq, float2* xs)}: xq as in {@link #rmsNorm} */
    void layerNorm(int rows, long x, long w, long b, long out, int dim, float eps, long xq, long xs) {
        gpu.launch("layer_norm", new int[] {rows}, 1024, x, w, b, out, dim, eps, xq, xs);
    }

    // ---- rope_kv.cu

    /**
     * {@code rope_store_kv(float* qkv, int ld, int heads, int kv_heads, int hd, int rope_dims, const double* inv_freq,
     * int neox, const int* seq, const int* pos, void* kcache, void* vcache, int capacity, int kv_half)}: grid (rows, slices of
     * 128 threads covering a row's rotated pairs and its kv values); kvHalf != 0: the cache holds f16, else f32.
     */
    void ropeStoreKv(int rows, long qkv, int ld, int heads, int kvHeads, int hd, int ropeDims, long invFreq, int neox,
                     long seq, long pos, long kcache, long vcache, int capacity, int kvHalf) {
        int pairsOrValues = Math.max((heads + kvHeads) * ropeDims / 2, kvHeads * hd);
        gpu.launch("rope_store_kv", new int[] {rows, (pairsOrValues + 127) / 128}, 128, qkv, ld, heads, kvHeads, hd, ropeDims,
                invFreq, neox, seq, pos, kcache, vcache, capacity, kvHalf);
    }

    // ---- attention.cu

    /**
     * {@code attn_partial_dN[_f16](const float* qkv, int ld, void* kcache, void* vcache, const int* seq, const int* pos,
     * int heads, int kv_heads, int hd, int capacity, int chunk, int window, float scale, float* part_acc, float* part_ml,
     * float* out, int ld_out, i8* xq, float2* xs, int* counters, int rope_dims, const double* inv_freq, int neox,
     * int fuse, const long long* prefetch)}: grid (splits ≤ 64 = the kernel's MAX_SPLITS, heads, rows), 128 threads = the kernel's WARPS; the last
     * block of each (head, row) merges the splits into out (counters: rows·heads ints, zero before the first launch and
     * left zero). xq != 0 (hd % 32 == 0): out also quantized for the int8 matrix-vector kernels, heads·hd values a row.
     * fuse = 1 (rows of distinct sequences, one new position each): RoPE and the KV-cache append of {@link #ropeStoreKv}
     * done here instead (rope_dims, inv_freq, neox as there). kvHalf != 0: the cache holds f16 (the _f16 kernels).
     * prefetch != 0: a {@link WeightPrefetch} table, the next products' weights that the blocks ask L2 for (compute_90).
     */
    void attnPartial(int splits, int rows, long qkv, int ld, long kcache, long vcache, long seq, long pos,
                     int heads, int kvHeads, int hd, int capacity, int chunk, int window, float scale, long partAcc, long partMl,
                     long out, int ldOut, long xq, long xs, long counters, int ropeDims, long invFreq, int neox, int fuse, int kvHalf,
                     long prefetch) {
        gpu.launch(attnPartialKernel(hd, kvHalf != 0), new int[] {splits, heads, rows}, 128, qkv, ld, kcache, vcache, seq, pos,
                heads, kvHeads, hd, capacity, chunk, window, scale, partAcc, partMl, out, ldOut, xq, xs, counters,
                ropeDims, invFreq, neox, fuse, prefetch);
    }

    /**
     * attn_partial_dN: N values of a head a lane (hd ≤ 32·N ≤ the kernel's MAX_HD, 256), the fewest that hold the
     * head; _f16 for a cache of f16 elements.
     */
    static String attnPartialKernel(int hd, boolean kvHalf) {
        return byHeadSize("attn_partial_d", hd, 256, kvHalf);
    }

    /**
     * {@code attn_prefill_dN(const float* qkv, int ld, const void* kcache, const void* vcache, const int* seq, const int* pos,
     * int rows, int heads, int kv_heads, int hd, int capacity, int window, float scale, float* out, int ld_out)}: grid
     * (tiles of {@link CudaForward#PREFILL_TILE_ROWS} rows, heads), 128 threads; hd ≤ {@link #PREFILL_MAX_HEAD}.
     */
    void attnPrefill(int rows, long qkv, int ld, long kcache, long vcache, long seq, long pos, int heads, int kvHeads, int hd,
                     int capacity, int window, float scale, long out, int ldOut, int kvHalf) {
        int tiles = (rows + CudaForward.PREFILL_TILE_ROWS - 1) / CudaForward.PREFILL_TILE_ROWS;
        gpu.launch(attnPrefillKernel(hd, kvHalf != 0), new int[] {tiles, heads}, 128, qkv, ld, kcache, vcache, seq, pos,
                rows, heads, kvHeads, hd, capacity, window, scale, out, ldOut);
    }

    /** The largest head attn_prefill holds: its tile of keys, values and queries fills 43 KB of shared memory at 128. */
    static final int PREFILL_MAX_HEAD = 128;

    /** attn_prefill_dN: N values of a head a lane (hd ≤ 32·N ≤ {@link #PREFILL_MAX_HEAD}); _f16 for a cache of f16 elements. */
    static String attnPrefillKernel(int hd, boolean kvHalf) {
        return byHeadSize("attn_prefill_d", hd, PREFILL_MAX_HEAD, kvHalf);
    }

    /** {@code prefix}N[_f16] with N the fewest values a lane (a power of two) that hold a head of {@code hd} in a warp. */
    private static String byHeadSize(String prefix, int hd, int maxHd, boolean kvHalf) {
        if (hd < 1 || hd > maxHd) throw new IllegalArgumentException("head size " + hd + " is outside the CUDA attention kernel's 1.." + maxHd);
        int perLane = 1;
        while (32 * perLane < hd) perLane *= 2;
        return prefix + perLane + (kvHalf ? "_f16" : "");
    }

    // ---- matvec.cu: 128 threads, four warps taking 4 / split rows

    /**
     * The matrix-vector kernel of {@code type} for {@code batch} vectors ({@link DeviceType#matvecKernel}): {@code MATVEC_ARGS = const u8* q,
     * const u16* d, int rows, int cols, const float* x, int ldx, int batch, const float* bias, float* y, int ldy,
     * int accumulate, int split}.
     */
    void matvec(DeviceType type, long q, long d, int rows, int cols, long x, int ldx, int batch, long bias, long y, int ldy,
                int accumulate, int split) {
        gpu.launch(type.matvecKernel(batch), matvecGrid(rows, split), 128, q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split);
    }

    /**
     * F16/BF16, one vector: {@code MATVEC_NORMED_ARGS} (MATVEC_ARGS, then {@code const float* norm_scale}): y = s·(W·x) + bias
     * with s = *normScale, which the kernel that wrote x (the residual stream's producer, {@link #matvecResidual} or
     * {@link #embed}) left there; x is xb = x·g. The RMSNorm without a launch of its own.
     */
    void matvecNormed(DeviceType type, long q, long d, int rows, int cols, long x, int ldx, int batch, long bias, long y, int ldy,
                      int accumulate, int split, long normScale) {
        gpu.launch(type.fusedB1Kernel("normed"), matvecGrid(rows, split), 128, q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split,
                normScale);
    }

    /**
     * F16/BF16, one vector: {@code MATVEC_RESIDUAL_ARGS} (MATVEC_ARGS, then {@code const float* norm_w, float* xb, float* partials,
     * int* counter, float* norm_scale, float eps}): y (+)= W·x + bias, then xb = y·normW and *normScale = 1 / sqrt(mean(y²) +
     * eps) for the {@link #matvecNormed} products of the next norm; partials: a float a block; counter: an int, zero before
     * the first launch and left zero.
     */
    void matvecResidual(DeviceType type, long q, long d, int rows, int cols, long x, int ldx, int batch, long bias, long y, int ldy,
                        int accumulate, int split, long normW, long xb, long partials, long counter, long normScale, float eps) {
        gpu.launch(type.fusedB1Kernel("residual"), matvecGrid(rows, split), 128, q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate,
                split, normW, xb, partials, counter, normScale, eps);
    }

    /**
     * F16/BF16, one vector, the stacked [gate; up] matrix (rows = 2·ffn): {@code MATVEC_GATED_ARGS} (MATVEC_ARGS, then
     * {@code int act, const float* norm_scale}): y[i] = act(gate_i)·up_i as {@link #gatedRows} would make it, gate_i and
     * up_i scaled by *normScale first when normScale != 0 (as {@link #matvecNormed}); split 1 or 2.
     */
    void matvecGated(DeviceType type, long q, long d, int rows, int cols, long x, int ldx, int batch, long bias, long y, int ldy,
                     int accumulate, int split, int act, long normScale) {
        if (split > 2) throw new IllegalArgumentException("the gated product takes split 1 or 2, not " + split);
        gpu.launch(type.fusedB1Kernel("gated"), matvecGrid(rows, split), 128, q, d, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split,
                act, normScale);
    }

    /**
     * F16/BF16, one vector, the feed-forward half of a layer as one persistent launch (persistent.cu): {@code matvec_TYPE_b1_ffn(
     * const u16* wo, const u16* wgu, const u16* wdown, int dim, int qdim, int ffn, const float* attn, float* x, float* xb, float* h,
     * const float* ffn_norm_w, const float* next_norm_w, float* partials, unsigned* bar, int* counter, float* norm_scale, float eps,
     * int act)}: x += Wo·attn, h = act(gate)·up of the ffn norm of x ([gate; up] stacked, ffn rows each), x += Wdown·h, then xb and
     * *normScale for the next norm (as {@link #matvecResidual}). {@code blocks} of 256 threads, all resident at once: at most
     * {@link #PERSISTENT_BLOCKS_PER_SM} an SM. partials: a float a block, then {@link #PERSISTENT_BARRIER_GROUPS}; bar:
     * {@link #PERSISTENT_BARRIER_WORDS} ints and counter one, zero before the first launch and left so.
     */
    void ffnB1(DeviceType type, int blocks, long wo, long wgu, long wdown, int dim, int qdim, int ffn, long attn, long x, long xb, long h,
               long ffnNormW, long nextNormW, long partials, long bar, long counter, long normScale, float eps, int act) {
        gpu.launch(type.fusedB1Kernel("ffn"), new int[] {blocks}, 256, wo, wgu, wdown, dim, qdim, ffn, attn, x, xb, h, ffnNormW, nextNormW,
                partials, bar, counter, normScale, eps, act);
    }

    /** persistent.cu's PERSISTENT_BLOCKS_PER_SM: the blocks of 256 threads its __launch_bounds__ lets an SM hold (64 registers). */
    static final int PERSISTENT_BLOCKS_PER_SM = 4;
    /** persistent.cu's BARRIER_GROUPS (the grid barrier's first-level counters) and BARRIER_WORDS (its ints: a 128-byte line each, and the generation's). */
    static final int PERSISTENT_BARRIER_GROUPS = 32, PERSISTENT_BARRIER_WORDS = 32 * (PERSISTENT_BARRIER_GROUPS + 2);

    /**
     * {@code matvec_generic(const u8* q, const u16* d, int type, int rows, int cols, const float* x, int ldx, int batch,
     * const float* bias, float* y, int ldy, int accumulate, int split)}
     */
    void matvecGeneric(long q, long d, int type, int rows, int cols, long x, int ldx, int batch, long bias, long y, int ldy,
                       int accumulate, int split) {
        gpu.launch("matvec_generic", matvecGrid(rows, split), 128, q, d, type, rows, cols, x, ldx, batch, bias, y, ldy, accumulate, split);
    }

    /**
     * {@code quantize_x(const float* x, int ldx, int cols, int batch, i8* xq, float2* xs)}: int8 blocks of 32 of
     * {@code batch} vectors for the {@link DeviceType#matvecInt8()} kernels, one warp a block (cols % 32 == 0).
     */
    void quantizeX(long x, int ldx, int cols, int batch, long xq, long xs) {
        gpu.launch("quantize_x", new int[] {Math.max(1, ((cols >> 5) * batch + 3) / 4)}, 128, x, ldx, cols, batch, xq, xs);
    }

    /**
     * The int8 (dp4a) matrix-vector kernel of {@code type} ({@link DeviceType#matvecInt8()}), on vectors that
     * {@link #quantizeX} quantized with {@code cols} values each: {@code MATVEC8_ARGS = const u8* q, const u16* d,
     * int rows, int cols, const i8* xq, const float2* xs, int batch, const float* bias, float* y, int ldy,
     * int accumulate, int split}.
     */
    void matvecInt8(DeviceType type, long q, long d, int rows, int cols, long xq, long xs, int batch, long bias, long y, int ldy,
                    int accumulate, int split) {
        if (type.matvecInt8() == null) throw new IllegalArgumentException(type.type() + " has no int8 matrix-vector kernel");
        gpu.launch(type.matvecInt8Kernel(batch), matvecGrid(rows, split), 128, q, d, rows, cols, xq, xs, batch, bias, y, ldy, accumulate, split);
    }

    private static int[] matvecGrid(int rows, int split) {
        int rowsPerBlock = 4 / split;
        return new int[] {(rows + rowsPerBlock - 1) / rowsPerBlock};
    }

    // ---- activations.cu: grid-stride loops

    /** {@code gated(float* gate, const float* up, long long n, int act)}: gate = act(gate)·up */
    void gated(long gate, long up, long n, int act) {
        gpu.launch("gated", gridStride(n), 256, gate, up, n, act);
    }

    /** {@code gelu(float* x, long long n)} */
    void gelu(long x, long n) {
        gpu.launch("gelu", gridStride(n), 256, x, n);
    }

    /** {@code gated_rows(const float* gate_up, float* out, int ffn, int rows, int act, i8* xq, float2* xs)}: xq != 0 (ffn % 32 == 0) as in {@link #rmsNorm} */
    void gatedRows(long gateUp, long out, int ffn, int rows, int act, long xq, long xs) {
        gpu.launch("gated_rows", gridStride((long) rows * ffn), 256, gateUp, out, ffn, rows, act, xq, xs);
    }

    /** {@code softcap(float* x, long long n, float cap)} */
    void softcap(long x, long n, float cap) {
        gpu.launch("softcap", gridStride(n), 256, x, n, cap);
    }

    /** {@code add_bias(float* y, int ldy, const float* b, int n, int rows)} */
    void addBias(long y, int ldy, long b, int n, int rows) {
        gpu.launch("add_bias", gridStride((long) rows * n), 256, y, ldy, b, n, rows);
    }

    /** {@code add(float* x, const float* y, long long n)}: a residual add (the forward pass accumulates in its matrix products instead). */
    void add(long x, long y, long n) {
        gpu.launch("add", gridStride(n), 256, x, y, n);
    }

    // ---- layout.cu: grid-stride loops

    /**
     * The block-splitting kernel of {@code type} ({@link DeviceType#split()}): {@code split_q8_0 / split_q4_0(const u8* raw,
     * i8* or u8* q, u16* d, long long blocks)}; up to 65535 blocks of 256 threads.
     */
    void split(DeviceType type, long raw, long q, long d, long blocks) {
        if (type.split() == null) throw new IllegalArgumentException(type.type() + " has no split layout");
        gpu.launch(type.split(), new int[] {(int) Math.min((blocks + 255) / 256, 65535)}, 256, raw, q, d, blocks);
    }

    /**
     * {@code pad_q6_k(const u8* raw, u8* out, long long blocks)}: Q6_K super-blocks of the file → the padded device layout
     * ({@link DeviceType#Q6_K_DEVICE_BYTES} bytes each); a grid-stride loop over the output bytes.
     */
    void padQ6K(long raw, long out, long blocks) {
        gpu.launch("pad_q6_k", gridStride(blocks * DeviceType.Q6_K_DEVICE_BYTES), 256, raw, out, blocks);
    }

    /** {@code dequantize(const u8* q, const u16* d, int type, int rows, int cols, void* out, int out_type)} */
    void dequantize(long q, long d, int type, int rows, int cols, long out, int outType) {
        gpu.launch("dequantize", new int[] {Math.min(rows, 8192)}, 256, q, d, type, rows, cols, out, outType);
    }

    /** {@code convert_f32(const float* x, long long n, void* out, int out_type)} */
    void convertF32(long x, long n, long out, int outType) {
        gpu.launch("convert_f32", gridStride(n), 256, x, n, out, outType);
    }

    // ---- argmax.cu: one block per row

    /** {@code argmax(const float* logits, int vocab, int* out)} */
    void argmax(int rows, long logits, int vocab, long out) {
        gpu.launch("argmax", new int[] {rows}, 1024, logits, vocab, out);
    }
}
