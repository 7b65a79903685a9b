package dev.bantam.cuda;

import dev.bantam.core.model.Architecture;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.cuda.ffi.Cublas;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The forward pass on the GPU, top to bottom like the core's Transformer and driven by the same
 * Architecture row. It runs {@code rows} new tokens at once; row r belongs to sequence seq[r] at
 * position pos[r], so a decode step of a batch (one row per sequence) and a prefill chunk of one
 * sequence (one row per token) are the same launches. Everything a step varies by — tokens,
 * sequences, positions — is read from device memory, so a captured decode step replays as a CUDA
 * graph. Up to {@link #MATVEC_ROWS} rows the weights are streamed once by the matrix-vector kernel
 * of their type (quantized types: up to {@link #QUANTIZED_MATVEC_ROWS}, in launches of at most
 * {@link #MATVEC_ROWS}); more rows go through cuBLAS. What differs between layers (window, RoPE base and
 * scale) comes from the config's {@link dev.bantam.core.model.LayerPlan}s; what differs between
 * families (q/k norms, post-norms, gated activation, embedding scale) from the Architecture row.
 */
final class CudaForward {
    /** The most rows one matrix-vector launch takes (MAX_BATCH in common.cuh). */
    static final int MATVEC_ROWS = 8;
    /**
     * Up to this many rows, a matrix that cuBLAS cannot read as it is (a quantized type) is still
     * multiplied by matrix-vector launches of at most {@link #MATVEC_ROWS} rows, each streaming
     * its weights once: two passes over 0.5 to 1 byte a weight cost less than dequantizing the
     * matrix to F16 every step (2 bytes a weight written, then read by cuBLAS).
     */
    static final int QUANTIZED_MATVEC_ROWS = 2 * MATVEC_ROWS;
    private static final int PREFILL_CHUNK = 256;
    /** Query rows a block of attn_prefill takes (TILE_ROWS in attention_prefill.cu). */
    static final int PREFILL_TILE_ROWS = 16;
    /**
     * Whether prefill rows (more than {@link #QUANTIZED_MATVEC_ROWS}, not a decode step) attend
     * through attn_prefill's query tiles, which read a sequence's cache once per 16 rows, rather
     * than attn_partial's walk per row; {@code -Dbantam.cuda.prefillTiles=false} keeps the walk,
     * to compare.
     */
    static final boolean PREFILL_TILES = !"false".equals(System.getProperty("bantam.cuda.prefillTiles"));
    /**
     * Whether matrix-vector products of types with an int8 kernel quantize their input to int8 and
     * use it ({@link DeviceType#matvecInt8()}); {@code -Dbantam.cuda.int8=false} keeps the float
     * kernels, to compare speed and logits on the same build.
     */
    static final boolean INT8 = !"false".equals(System.getProperty("bantam.cuda.int8"));
    /**
     * Whether decode steps rotate and append their keys inside attn_partial (its fuse) rather than
     * in rope_store_kv; {@code -Dbantam.cuda.fuseRope=false} keeps the separate launch, to compare.
     */
    static final boolean FUSE_ROPE = !"false".equals(System.getProperty("bantam.cuda.fuseRope"));
    /**
     * The fewest positions of a decode attention chunk ({@code -Dbantam.cuda.attnChunk}, to compare): 32.
     * With 16, llama-1b at 641 positions launched 41 chunks × 32 heads = 1,312 blocks, more than the
     * H200 keeps resident at once (8 an SM at 64 registers: 1,056), so a second wave paid a whole
     * block's latency; 32 gives 21 × 32 = 672 (H200, one machine: BF16 B1 836–878 → 939 tok/s,
     * Q4_K_M 954–969 → 997).
     */
    private static final int MIN_CHUNK = Integer.getInteger("bantam.cuda.attnChunk", 32);
    /**
     * Whether a batch-1 step folds each RMSNorm of the residual stream into the kernels around it
     * ({@code -Dbantam.cuda.fuseNorm=false}: the rms_norm launches, to compare; read when a session
     * opens): the kernel that writes x (embed, the o and down products: matvec.cu's {@code _residual})
     * also writes xb = x·g for the next norm's weight g and the norm's scale, and the products that
     * read xb ({@code _normed}, {@code _gated}) multiply their dot products by it. Where the norm is
     * RMS, the writer has no Gemma post-norm, and writer and readers are F16/BF16 matrix-vector
     * products (or embed); {@link #foldedNorms}.
     */
    private final boolean fuseNorm = !"false".equals(System.getProperty("bantam.cuda.fuseNorm"));
    /**
     * Whether a batch-1 step computes act(gate)·up in the stacked [gate; up] product's epilogue
     * (matvec.cu's {@code _gated}) rather than by a gated_rows launch, where that product is F16/BF16
     * and the down product takes a float input ({@code -Dbantam.cuda.fuseGate=false}, to compare).
     */
    private final boolean fuseGate = !"false".equals(System.getProperty("bantam.cuda.fuseGate"));
    /**
     * Whether a batch-1 step runs the feed-forward half of a layer (o + residual + ffn norm, [gate; up] gated, down +
     * residual + next norm) as one persistent launch (persistent.cu) instead of three, where all three products are
     * F16/BF16 of one type without biases and both norms fold ({@link #persistentFfn}); {@code -Dbantam.cuda.persistent=true}
     * (read when a session opens). Its grid is {@link #persistentBlocksPerSm} blocks an SM.
     */
    private final boolean persistent = Boolean.getBoolean("bantam.cuda.persistent");
    /** The persistent launch's grid: every block resident at once (its grid barriers wait for all of them). */
    private final int persistentBlocks;
    /** The persistent launch's per-block sums of squares, its grid barrier (count, generation) and its count of finished blocks. */
    private final long persistentPartials, persistentBarrier, persistentCounter;

    private final Gpu gpu;
    private final DeviceKernels kernels;
    private final ModelConfig c;
    private final DeviceModel w;
    private final Cublas cublas;
    final int capacity, maxRows, chunk;
    private final int qkvDim, neox;
    private final long[] keys, values;
    /** Whether the KV cache holds f16 rather than f32 (CudaBackend's {@code kv-type}). */
    private final boolean kvHalf;
    /** Each layer's RoPE frequencies on the device (layers with the same plan share one table). */
    private final long[] ropeTable;
    private final float embeddingScale;
    private final int gateAct;
    private final long tokens, seq, pos, x, xb, qkv, attn, up, gate, logits, partAcc, partMl, act16, weights16;
    /** attn_partial's count of finished splits per (row, head): zero between launches. */
    private final long attnCounters;
    /** The input of the int8 matrix-vector kernels: quants (a byte a value) and (scale, scale·Σq) per block of 32. */
    private final long xq8, xs8;
    /**
     * The folded RMSNorm ({@link #fuseNorm}): its scale (a float a row), the _residual products' sums of squares (a
     * float a block, at most dim blocks) and their count of finished blocks (an int, zero between launches).
     */
    private final long normScale, normPartials, normCounter;
    private final MemorySegment hostInputs;
    /**
     * Per layer, the {@link WeightPrefetch} table its decode attention hands to attn_partial: for one row with the
     * gated epilogue, and for the other decode runs (up to {@link #MATVEC_ROWS} rows); 0 where {@link WeightPrefetch#BUDGET} is 0.
     */
    private final long[] prefetchB1, prefetchRows;

    /**
     * {@code ropeDivisors}: the file's {@code rope_freqs.weight} (llama3 rope scaling), null when it has none;
     * {@code kvHalf}: a KV cache of f16 elements, else f32.
     */
    CudaForward(Gpu gpu, ModelConfig c, DeviceModel w, float[] ropeDivisors, Cublas cublas, int capacity, int sequences, int maxRows,
                boolean kvHalf) {
        this.gpu = gpu;
        this.kernels = gpu.kernels();
        this.c = c;
        this.w = w;
        this.cublas = cublas;
        this.capacity = capacity;
        this.maxRows = maxRows;
        // chunks of at least MIN_CHUNK positions, at most 64 of them: a block's serial walk over its
        // positions is short (decode attention is latency-bound), the partial results stay small
        int ch = MIN_CHUNK;
        while ((capacity + ch - 1) / ch > 64) ch *= 2;
        this.chunk = ch;
        this.qkvDim = c.qDim() + 2 * c.kvDim();
        this.neox = switch (c.arch().positions()) {
            case ROPE_NORMAL -> 0;
            case ROPE_NEOX -> 1;
            case LEARNED -> -1;
        };
        this.ropeTable = ropeTables(gpu, c, ropeDivisors);
        // Gemma: sqrt(n_embd) as an f32 constant, as the CPU engine takes it (spec §4)
        this.embeddingScale = c.arch().scaleEmbedding() ? (float) Math.sqrt(c.dim()) : 1f;
        this.gateAct = c.arch().activation() == Architecture.Activation.GEGLU ? DeviceKernels.GATE_GELU : DeviceKernels.GATE_SILU;
        keys = new long[c.layers()];
        values = new long[c.layers()];
        this.kvHalf = kvHalf;
        long cacheBytes = (kvHalf ? 2L : 4L) * sequences * capacity * c.kvDim();
        for (int l = 0; l < c.layers(); l++) {
            keys[l] = gpu.alloc(cacheBytes);
            values[l] = gpu.alloc(cacheBytes);
        }
        tokens = gpu.alloc(4L * maxRows);
        seq = gpu.alloc(4L * maxRows);
        pos = gpu.alloc(4L * maxRows);
        hostInputs = gpu.allocHost(12L * maxRows);
        x = gpu.alloc(4L * maxRows * c.dim());
        xb = gpu.alloc(4L * maxRows * c.dim());
        qkv = gpu.alloc(4L * maxRows * qkvDim);
        attn = gpu.alloc(4L * maxRows * c.qDim());
        up = gpu.alloc(4L * maxRows * c.ffnDim());
        gate = gpu.alloc(8L * maxRows * c.ffnDim());  // room for [gate | up] rows of the stacked product
        logits = gpu.alloc(4L * maxRows * c.vocabSize());
        long parts = (long) maxRows * c.heads() * splits(capacity, 1);
        partAcc = gpu.alloc(4L * parts * c.headDim());
        partMl = gpu.alloc(8L * parts);
        attnCounters = gpu.alloc(4L * maxRows * c.heads());
        gpu.driver().memset(attnCounters, (byte) 0, 4L * maxRows * c.heads());
        normScale = gpu.alloc(4L * maxRows);
        normPartials = gpu.alloc(4L * c.dim());
        normCounter = gpu.alloc(4);
        gpu.driver().memset(normCounter, (byte) 0, 4);
        persistentBlocks = persistent ? persistentBlocksPerSm() * gpu.multiprocessors() : 0;
        // a float a block, then the barrier's group sums
        persistentPartials = persistent ? gpu.alloc(4L * (persistentBlocks + DeviceKernels.PERSISTENT_BARRIER_GROUPS)) : 0;
        long barrierBytes = 4L * DeviceKernels.PERSISTENT_BARRIER_WORDS;
        persistentBarrier = persistent ? gpu.alloc(barrierBytes + 4) : 0;  // the barrier's words, then the int counter
        persistentCounter = persistent ? persistentBarrier + barrierBytes : 0;
        if (persistent) gpu.driver().memset(persistentBarrier, (byte) 0, barrierBytes + 4);
        gpu.driver().synchronize();  // the memset runs on the legacy stream, which the session's non-blocking stream does not wait for
        boolean gemm = maxRows > MATVEC_ROWS;
        act16 = gemm ? gpu.alloc(2L * maxRows * Math.max(Math.max(c.dim(), c.ffnDim()), c.qDim())) : 0;
        weights16 = gemm ? gpu.alloc(2L * largestDequantized()) : 0;
        long widest = (long) Math.min(maxRows, QUANTIZED_MATVEC_ROWS) * Math.max(Math.max(c.dim(), c.ffnDim()), c.qDim());
        xq8 = gpu.alloc(widest);
        xs8 = gpu.alloc(8 * ((widest + 31) / 32));
        prefetchB1 = new long[c.layers()];
        prefetchRows = new long[c.layers()];
        for (int l = 0; WeightPrefetch.BUDGET > 0 && l < c.layers(); l++) {
            DeviceModel.Layer layer = w.layers().get(l);
            prefetchB1[l] = WeightPrefetch.upload(gpu, WeightPrefetch.afterAttention(layer, gatedEpilogue(layer, 1), WeightPrefetch.BUDGET));
            prefetchRows[l] = WeightPrefetch.upload(gpu, WeightPrefetch.afterAttention(layer, false, WeightPrefetch.BUDGET));
        }
    }

    /**
     * The persistent launch's blocks an SM: what its __launch_bounds__ were compiled for, persistent.cu's PERSISTENT_BLOCKS_PER_SM
     * ({@link DeviceKernels#PERSISTENT_BLOCKS_PER_SM}), or N where {@code -Dbantam.cuda.define} sets PERSISTENT_BLOCKS_PER_SM=N for
     * NVRTC: more blocks than the compiled kernel lets an SM hold would never all be resident, and its grid barriers would wait for ever.
     */
    static int persistentBlocksPerSm() {
        var m = java.util.regex.Pattern.compile("(?:^|,)\\s*PERSISTENT_BLOCKS_PER_SM=(\\d+)").matcher(System.getProperty("bantam.cuda.define", ""));
        return m.find() ? Integer.parseInt(m.group(1)) : DeviceKernels.PERSISTENT_BLOCKS_PER_SM;
    }

    /** One device table of RoPE frequencies per distinct (base, scale) among the layers, indexed by layer. */
    private static long[] ropeTables(Gpu gpu, ModelConfig c, float[] divisors) {
        long[] table = new long[c.layers()];
        if (!c.arch().usesRope()) return table;
        for (int l = 0; l < c.layers(); l++) {
            int same = 0;
            while (same < l && !c.layer(same).sameRope(c.layer(l))) same++;
            if (same < l) {
                table[l] = table[same];
                continue;
            }
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                table[l] = gpu.upload(arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_DOUBLE, c.layer(l).ropeFrequencies(c.ropeDims(), divisors)));
            }
        }
        return table;
    }

    /** Elements of the largest matrix that cuBLAS cannot read as it is (dequantized to F16 in prefill). */
    private long largestDequantized() {
        long max = 1;
        for (var l : w.layers()) {
            for (var lin : new DeviceModel.Linear[] {l.q(), l.k(), l.v(), l.qkv(), l.attnOut(), l.gate(), l.up(), l.gateUp(), l.down()}) {
                if (lin != null && lin.weight().type().cublasType() < 0) max = Math.max(max, (long) lin.weight().rows() * lin.weight().cols());
            }
        }
        if (w.output().type().cublasType() < 0) max = Math.max(max, (long) w.output().rows() * w.output().cols());
        return max;
    }

    /**
     * Positions per attention chunk: short for decode (few rows, so parallelism comes from
     * chunks), long for prefill (many rows already fill the GPU; fewer partial results to merge).
     */
    int chunk(int rows) {
        return rows > MATVEC_ROWS ? Math.max(chunk, PREFILL_CHUNK) : chunk;
    }

    /** Whether a prefill run of {@code rows} rows attends through attn_prefill's tiles (which read no chunk count). */
    boolean prefillTiled(int rows) {
        return PREFILL_TILES && rows > QUANTIZED_MATVEC_ROWS && c.headDim() <= DeviceKernels.PREFILL_MAX_HEAD;
    }

    /** Attention chunks covering {@code positions} positions for a run of {@code rows} rows. */
    int splits(int positions, int rows) {
        return Math.max(1, (positions + chunk(rows) - 1) / chunk(rows));
    }

    /** Copies the rows' token, sequence and position to the device (asynchronously, on the stream). */
    void setInputs(int[] tokenIds, int[] sequences, int[] positions) {
        int n = tokenIds.length;
        for (int i = 0; i < n; i++) {
            if (tokenIds[i] < 0 || tokenIds[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokenIds[i] + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
            hostInputs.setAtIndex(JAVA_INT, i, tokenIds[i]);
            hostInputs.setAtIndex(JAVA_INT, maxRows + i, sequences[i]);
            hostInputs.setAtIndex(JAVA_INT, 2L * maxRows + i, positions[i]);
        }
        var cu = gpu.driver();
        cu.copyToDeviceAsync(tokens, hostInputs, 4L * n, gpu.stream());
        cu.copyToDeviceAsync(seq, hostInputs.asSlice(4L * maxRows), 4L * n, gpu.stream());
        cu.copyToDeviceAsync(pos, hostInputs.asSlice(8L * maxRows), 4L * n, gpu.stream());
    }

    /**
     * Launches the forward pass of the rows set by {@link #setInputs}; logits of rows
     * [logitsFrom, rows) go to {@link #logits()} row 0 on. {@code splits} attention chunks cover
     * the longest sequence the rows attend over.
     */
    void run(int rows, int splits, int logitsFrom) {
        run(rows, splits, logitsFrom, false);
    }

    /** One decode step of {@code batch} sequences (row b: sequence b's one new token), logits of every row. */
    void decode(int batch) {
        run(batch, splits(capacity, batch), 0, true);
    }

    /**
     * {@code distinct}: every row is its own sequence at one new position (a decode step), so that
     * attn_partial may rotate and append the rows' keys itself (its fuse): no row reads another's.
     */
    private void run(int rows, int splits, int logitsFrom, boolean distinct) {
        boolean fuseRope = FUSE_ROPE && distinct && rows <= MATVEC_ROWS;
        // a decode step's rows are each a sequence of their own: a tile of them would share no keys
        boolean tiled = !distinct && prefillTiled(rows);
        int dim = c.dim();
        DeviceMatrix te = w.tokenEmbedding(), pe = w.positionEmbedding();
        boolean[] folded = foldedNorms(rows, logitsFrom);
        int layers = c.layers();
        kernels.embed(rows, te.q(), te.d(), te.typeId(), dim, embeddingScale, tokens,
                pe == null ? 0L : pe.q(), pe == null ? 0L : pe.d(), pe == null ? 0 : pe.typeId(), pos, x,
                folded[0] ? w.layers().getFirst().attnNorm().weight() : 0L, xb, normScale, c.normEps());
        for (int l = 0; l < layers; l++) {
            DeviceModel.Layer layer = w.layers().get(l);

            // attention: x += Wo · attn(q, k, v) with q, k, v from the normalized x
            if (layer.qkv() != null) {
                linear(layer.qkv(), norm(layer.attnNorm(), x, xb, rows, int8(rows, layer.qkv()), folded[2 * l]), rows, qkv, qkvDim, false);
            } else {
                Input in = norm(layer.attnNorm(), x, xb, rows, int8(rows, layer.q(), layer.k(), layer.v()), folded[2 * l]);
                linear(layer.q(), in, rows, qkv, qkvDim, false);
                linear(layer.k(), in, rows, qkv + 4L * c.qDim(), qkvDim, false);
                linear(layer.v(), in, rows, qkv + 4L * (c.qDim() + c.kvDim()), qkvDim, false);
            }
            if (layer.qNorm().present()) {
                kernels.headNorm(rows, c.kvHeads(), qkv, qkvDim, c.heads(), c.headDim(), layer.qNorm().weight(), layer.kNorm().weight(), c.normEps());
            }
            if (!fuseRope) {
                kernels.ropeStoreKv(rows, qkv, qkvDim, c.heads(), c.kvHeads(), c.headDim(), c.ropeDims(), ropeTable[l], neox, seq, pos,
                        keys[l], values[l], capacity, kvHalf ? 1 : 0);
            }
            boolean attnInt8 = int8(rows, layer.attnOut()) && c.headDim() % 32 == 0;  // a warp of the merge holds a block
            if (tiled) {  // no int8 output: more than QUANTIZED_MATVEC_ROWS rows go through cuBLAS
                kernels.attnPrefill(rows, qkv, qkvDim, keys[l], values[l], seq, pos, c.heads(), c.kvHeads(), c.headDim(), capacity,
                        c.layer(l).window(), c.attentionScale(), attn, c.qDim(), kvHalf ? 1 : 0);
            } else {
                kernels.attnPartial(splits, rows, qkv, qkvDim, keys[l], values[l], seq, pos,
                        c.heads(), c.kvHeads(), c.headDim(), capacity, chunk(rows), c.layer(l).window(), c.attentionScale(), partAcc, partMl,
                        attn, c.qDim(), attnInt8 ? xq8 : 0, attnInt8 ? xs8 : 0, attnCounters, c.ropeDims(), ropeTable[l], neox, fuseRope ? 1 : 0,
                        kvHalf ? 1 : 0, rows == 1 ? prefetchB1[l] : rows <= MATVEC_ROWS ? prefetchRows[l] : 0L);
            }
            long nextNorm = !folded[2 * l + 2] ? 0L : l + 1 < layers ? w.layers().get(l + 1).attnNorm().weight() : w.outputNorm().weight();
            if (persistentFfn(layer, rows, folded[2 * l + 1], nextNorm)) {
                DeviceMatrix wo = layer.attnOut().weight();
                kernels.ffnB1(wo.type(), persistentBlocks, wo.q(), layer.gateUp().weight().q(), layer.down().weight().q(), dim, wo.cols(),
                        c.ffnDim(), attn, x, xb, up, layer.ffnNorm().weight(), nextNorm, persistentPartials, persistentBarrier,
                        persistentCounter, normScale, c.normEps(), gateAct);
                continue;
            }
            residual(layer.attnOut(), attnInt8 ? new Input(attn, true) : input(attn, rows, layer.attnOut()), rows, layer.postAttnNorm(),
                    folded[2 * l + 1] ? layer.ffnNorm().weight() : 0L);

            // feed-forward: x += Wdown · act(normalized x)
            Input hidden;
            boolean ffnFolded = folded[2 * l + 1];
            if (layer.gateUp() != null) {
                Input in = norm(layer.ffnNorm(), x, xb, rows, int8(rows, layer.gateUp()), ffnFolded);
                boolean downInt8 = int8(rows, layer.down());
                if (gatedEpilogue(layer, rows)) {
                    gatedProduct(layer.gateUp(), in, up);  // act(gate)·up straight into up, no gated_rows
                } else {
                    // gate and up in one product: gate[r] and up[r] side by side in a row of 2·ffn
                    linear(layer.gateUp(), in, rows, gate, 2 * c.ffnDim(), false);
                    kernels.gatedRows(gate, up, c.ffnDim(), rows, gateAct, downInt8 ? xq8 : 0, downInt8 ? xs8 : 0);
                }
                hidden = new Input(up, downInt8);
            } else if (c.arch().gated()) {
                Input in = norm(layer.ffnNorm(), x, xb, rows, int8(rows, layer.up(), layer.gate()), ffnFolded);
                linear(layer.up(), in, rows, up, c.ffnDim(), false);
                linear(layer.gate(), in, rows, gate, c.ffnDim(), false);
                kernels.gated(gate, up, (long) rows * c.ffnDim(), gateAct);
                hidden = input(gate, rows, layer.down());
            } else {
                linear(layer.up(), norm(layer.ffnNorm(), x, xb, rows, int8(rows, layer.up()), ffnFolded), rows, up, c.ffnDim(), false);
                kernels.gelu(up, (long) rows * c.ffnDim());
                hidden = input(up, rows, layer.down());
            }
            residual(layer.down(), hidden, rows, layer.postFfnNorm(), nextNorm);
        }
        int n = rows - logitsFrom;
        if (n <= 0) return;
        var output = new DeviceModel.Linear(w.output(), 0);
        linear(output, norm(w.outputNorm(), x + 4L * logitsFrom * dim, xb, n, int8(n, output), folded[2 * layers]), n, logits, c.vocabSize(), false);
        if (c.logitSoftcap() > 0) kernels.softcap(logits, (long) n * c.vocabSize(), c.logitSoftcap());
    }

    /**
     * Which norms of a run are folded into the kernels around them ({@link #fuseNorm}): entry 2l is layer l's
     * attention norm, 2l + 1 its ffn norm, 2·layers the output norm. Only at one row, for RMSNorm, where the
     * kernel that writes the norm's input x is embed or an F16/BF16 product without a post-norm after it (so that
     * it can write xb and the scale: _residual), and every product that reads the norm's output is F16/BF16
     * (_normed or _gated); everything else keeps its rms_norm launch.
     */
    private boolean[] foldedNorms(int rows, int logitsFrom) {
        int layers = c.layers();
        boolean[] folded = new boolean[2 * layers + 1];
        if (!fuseNorm || rows != 1 || c.arch().norm() != Architecture.Norm.RMS) return folded;
        for (int l = 0; l < layers; l++) {
            DeviceModel.Layer layer = w.layers().get(l);
            boolean written = l == 0 || writesNorm(w.layers().get(l - 1).down(), w.layers().get(l - 1).postFfnNorm());
            boolean read = layer.qkv() != null ? halvesB1(layer.qkv()) : halvesB1(layer.q()) && halvesB1(layer.k()) && halvesB1(layer.v());
            folded[2 * l] = written && read;
            read = layer.gateUp() != null ? halvesB1(layer.gateUp())
                    : halvesB1(layer.up()) && (!c.arch().gated() || halvesB1(layer.gate()));
            folded[2 * l + 1] = writesNorm(layer.attnOut(), layer.postAttnNorm()) && read;
        }
        DeviceModel.Layer last = w.layers().getLast();
        folded[2 * layers] = logitsFrom == 0 && writesNorm(last.down(), last.postFfnNorm()) && halvesB1(new DeviceModel.Linear(w.output(), 0));
        return folded;
    }

    /**
     * Whether the layer's feed-forward half runs as one persistent launch ({@link #persistent}): one row, the ffn norm and the
     * next norm folded ({@code nextNorm} != 0), the gated epilogue's stacked [gate; up], and o, [gate; up] and down of one
     * F16/BF16 type without biases (persistent.cu has neither biases nor post-norms; the folds exclude post-norms).
     */
    private boolean persistentFfn(DeviceModel.Layer layer, int rows, boolean ffnFolded, long nextNorm) {
        if (!persistent || rows != 1 || !ffnFolded || nextNorm == 0 || !gatedEpilogue(layer, rows)) return false;
        DeviceModel.Linear o = layer.attnOut(), gu = layer.gateUp(), down = layer.down();
        return halvesB1(o) && halvesB1(down) && o.weight().type().equals(gu.weight().type()) && down.weight().type().equals(gu.weight().type())
                && o.bias() == 0 && gu.bias() == 0 && down.bias() == 0 && o.weight().rows() == c.dim() && down.weight().cols() == c.ffnDim();
    }

    /** Whether the product that adds {@code lin} into x can write the next norm's input (_residual): F16/BF16, no post-norm. */
    private static boolean writesNorm(DeviceModel.Linear lin, DeviceModel.Norm postNorm) {
        return !postNorm.present() && halvesB1(lin);
    }

    /**
     * Whether the layer's stacked [gate; up] product of {@code rows} rows computes act(gate)·up in its epilogue
     * ({@link #fuseGate}): one row, F16/BF16 (no int8 input), and a down product that takes a float input.
     */
    private boolean gatedEpilogue(DeviceModel.Layer layer, int rows) {
        return fuseGate && rows == 1 && layer.gateUp() != null && halvesB1(layer.gateUp()) && !int8(rows, layer.down());
    }

    /** Whether one row times {@code lin} runs matvec.cu's F16/BF16 batch-1 kernel, which has the fused variants. */
    private static boolean halvesB1(DeviceModel.Linear lin) {
        return lin != null && lin.weight().type().sharesRowsInBatches() && lin.weight().vectorKernelFits();
    }

    /**
     * x += W·in, or with a post-norm (Gemma) x += RMSNorm(W·in): the product then goes through xb,
     * free at this point (it held the block's normalized input, already consumed). {@code nextNorm} != 0
     * (one row, {@link #foldedNorms}): the product also writes that norm's input xb and scale (_residual).
     */
    private void residual(DeviceModel.Linear lin, Input in, int rows, DeviceModel.Norm postNorm, long nextNorm) {
        if (nextNorm != 0) {
            DeviceMatrix m = lin.weight();
            kernels.matvecResidual(m.type(), m.q(), m.d(), m.rows(), m.cols(), in.x(), m.cols(), 1, lin.bias(), x, c.dim(), 1, split(m, 1),
                    nextNorm, xb, normPartials, normCounter, normScale, c.normEps());
            return;
        }
        if (!postNorm.present()) {
            linear(lin, in, rows, x, c.dim(), true);
            return;
        }
        linear(lin, in, rows, xb, c.dim(), false);
        kernels.rmsNormAdd(rows, xb, postNorm.weight(), x, c.dim(), c.normEps());
    }

    long logits() { return logits; }

    /**
     * out = norm(in), the input of the products that follow; with {@code int8} also quantized for them (as {@link #input}).
     * {@code folded}: no launch, out = xb already holds in·g, written with the norm's scale by the kernel that wrote in.
     */
    private Input norm(DeviceModel.Norm n, long in, long out, int rows, boolean int8, boolean folded) {
        if (folded) return new Input(xb, false, normScale);
        long xq = int8 ? xq8 : 0, xs = int8 ? xs8 : 0;
        if (c.arch().norm() == Architecture.Norm.RMS) {
            kernels.rmsNorm(rows, in, n.weight(), out, c.dim(), c.normEps(), xq, xs);
        } else {
            kernels.layerNorm(rows, in, n.weight(), n.bias(), out, c.dim(), c.normEps(), xq, xs);
        }
        return new Input(out, int8);
    }

    /**
     * The input of matrix products: {@code x} (rows of the users' W.cols values), and whether it
     * was quantized to int8 into xq8/xs8 for them ({@link #int8}), once: by the kernel that
     * produced it (norms, attn_partial's merge, gated_rows), else by quantize_x. It must be consumed
     * before the next input is made (xq8 holds one at a time).
     */
    private record Input(long x, boolean int8, long scale) {
        Input(long x, boolean int8) {
            this(x, int8, 0);
        }
    }

    /** Whether the input of {@code users} is quantized: one of them has an int8 kernel and takes the rows through it. */
    private static boolean int8(int rows, DeviceModel.Linear... users) {
        return INT8 && java.util.Arrays.stream(users).anyMatch(u -> u.weight().int8KernelFits() && byMatrixVector(rows, u.weight()));
    }

    /** Whether {@code rows} rows times {@code m} go through the matrix-vector kernels (else cuBLAS). */
    private static boolean byMatrixVector(int rows, DeviceMatrix m) {
        return rows <= MATVEC_ROWS || rows <= QUANTIZED_MATVEC_ROWS && m.type().cublasType() < 0;
    }

    /** {@code from} as the input of {@code users}, quantized by quantize_x where {@link #int8} says so. */
    private Input input(long from, int rows, DeviceModel.Linear... users) {
        boolean int8 = int8(rows, users);
        if (int8) {
            int cols = users[0].weight().cols();
            kernels.quantizeX(from, cols, cols, rows, xq8, xs8);
        }
        return new Input(from, int8);
    }

    /** out[r] (+)= W·in[r] + bias for {@code rows} rows; in has W.cols values a row, out a stride of ldOut. */
    private void linear(DeviceModel.Linear lin, Input input, int rows, long out, int ldOut, boolean accumulate) {
        DeviceMatrix m = lin.weight();
        long in = input.x();
        if (byMatrixVector(rows, m)) {
            for (int from = 0; from < rows; from += MATVEC_ROWS) {
                matrixVector(lin, input, from, Math.min(MATVEC_ROWS, rows - from), out, ldOut, accumulate);
            }
            return;
        }
        int wType = m.type().cublasType();
        long wPtr = m.q();
        if (wType < 0) {
            kernels.dequantize(m.q(), m.d(), m.typeId(), m.rows(), m.cols(), weights16, DeviceKernels.OUT_F16);
            wPtr = weights16;
            wType = Cublas.R_16F;
        }
        long xPtr = in;
        if (wType != Cublas.R_32F) {
            kernels.convertF32(in, (long) rows * m.cols(), act16, wType == Cublas.R_16BF ? DeviceKernels.OUT_BF16 : DeviceKernels.OUT_F16);
            xPtr = act16;
        }
        cublas.matmul(wPtr, wType, xPtr, wType, out, m.rows(), rows, m.cols(), ldOut, accumulate);
        if (lin.bias() != 0) {
            kernels.addBias(out, ldOut, lin.bias(), m.rows(), rows);
        }
    }

    /** Rows [from, from + rows) of {@link #linear}, at most {@link #MATVEC_ROWS}, by one matrix-vector launch. */
    private void matrixVector(DeviceModel.Linear lin, Input input, int from, int rows, long out, int ldOut, boolean accumulate) {
        DeviceMatrix m = lin.weight();
        long in = input.x() + 4L * from * m.cols();
        out += 4L * from * ldOut;
        int split = split(m, rows);
        if (input.scale() != 0) {  // a folded norm's output (one row, F16/BF16: foldedNorms)
            kernels.matvecNormed(m.type(), m.q(), m.d(), m.rows(), m.cols(), in, m.cols(), rows, lin.bias(), out, ldOut, accumulate ? 1 : 0, split,
                    input.scale());
        } else if (input.int8() && m.int8KernelFits()) {
            // xq8 / xs8 hold the quantized rows one after another: a byte a value, a (scale, sum) pair per 32
            kernels.matvecInt8(m.type(), m.q(), m.d(), m.rows(), m.cols(), xq8 + (long) from * m.cols(), xs8 + 8L * from * (m.cols() / 32), rows,
                    lin.bias(), out, ldOut, accumulate ? 1 : 0, split);
        } else if (m.vectorKernelFits()) {
            kernels.matvec(m.type(), m.q(), m.d(), m.rows(), m.cols(), in, m.cols(), rows,
                    lin.bias(), out, ldOut, accumulate ? 1 : 0, split);
        } else {
            kernels.matvecGeneric(m.q(), m.d(), m.typeId(), m.rows(), m.cols(), in, m.cols(), rows,
                    lin.bias(), out, ldOut, accumulate ? 1 : 0, split);
        }
    }

    /**
     * Warps per row: all four of a block for long rows, two for matrices too small to fill the GPU;
     * F16/BF16 for several rows: 1, the four rows of a block shared by its warps (matvec_halves_shared).
     */
    private static int split(DeviceMatrix m, int rows) {
        return rows > 1 && m.type().sharesRowsInBatches() ? 1 : m.cols() >= 4096 ? 4 : m.rows() <= 8192 ? 2 : 1;
    }

    /** out = act(gate)·up of one row by the stacked [gate; up] product's epilogue (matvec.cu's _gated), in scaled by its norm where folded. */
    private void gatedProduct(DeviceModel.Linear gateUp, Input in, long out) {
        DeviceMatrix m = gateUp.weight();
        kernels.matvecGated(m.type(), m.q(), m.d(), m.rows(), m.cols(), in.x(), m.cols(), 1, gateUp.bias(), out, c.ffnDim(), 0,
                Math.min(split(m, 1), 2), gateAct, in.scale());
    }
}
