package dev.bantam.cuda;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.Logits;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.ModelFile;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.cuda.ffi.Cublas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Sequences on one GPU: weights and KV cache on the device, prompts prefilled in chunks of up to
 * {@link #PREFILL_ROWS} tokens, and each decode step of a batch of B sequences captured once as
 * a CUDA graph and replayed. {@link CudaSlots} runs the same sequences as slots.
 */
public final class CudaSession implements InferenceSession {
    static final int PREFILL_ROWS = 512;

    private final ModelFile model;
    private final ModelConfig c;
    private final Gpu gpu;
    private final Cublas cublas;
    private final DeviceModel weights;
    private final CudaForward forward;
    private final int[] lengths;
    private final Map<Integer, MemorySegment> decodeGraphs = new HashMap<>();
    /** Graphs of a full prefill chunk (maxRows rows), by its first row with logits: {@link #runPrefillChunk}. */
    private final Map<Integer, MemorySegment> prefillGraphs = new HashMap<>();
    private final MemorySegment hostLogits;
    private final boolean useGraphs = !Boolean.getBoolean("bantam.cuda.noGraphs");
    private static final boolean PREFILL_GRAPHS = !"false".equals(System.getProperty("bantam.cuda.prefillGraphs"));
    private int batch;

    /**
     * Uploads {@code model}'s weights (as loaded by the file: once); the session owns and closes the file.
     * {@code kvHalf}: the KV cache holds f16 rather than f32.
     */
    CudaSession(ModelFile model, Gpu gpu, int contextSize, int maxBatch, boolean kvHalf) {
        this.model = model;
        this.c = model.config();
        this.gpu = gpu;
        if (c.headDim() > 256) throw new IllegalArgumentException("head size " + c.headDim() + " exceeds the cuda backend's 256");
        this.weights = DeviceModel.upload(gpu, model.weights(), model.config().arch());
        this.cublas = Cublas.create(Cublas.library(), gpu.stream());
        int rows = Math.max(Math.min(PREFILL_ROWS, contextSize), maxBatch);
        this.forward = new CudaForward(gpu, c, weights, model.weights().ropeFreqs(), cublas, contextSize, maxBatch, rows, kvHalf);
        this.lengths = new int[maxBatch];
        this.hostLogits = gpu.allocHost(4L * rows * c.vocabSize());
    }

    public String deviceName() { return gpu.name(); }

    /** Which kernel code runs and whether its launches overlap ({@link Gpu#kernelsDescription()}). */
    public String kernelsDescription() { return gpu.kernelsDescription(); }

    /** The file this session runs (open until the session closes). */
    ModelFile modelFile() { return model; }

    /** Bytes of weights on the device. */
    public long weightBytes() { return weights.bytes(); }

    @Override
    public long deviceMemoryBytes() { return gpu.allocatedBytes(); }

    @Override
    public Logits prefill(int[][] prompts) {
        if (prompts.length < 1 || prompts.length > lengths.length) {
            throw new IllegalArgumentException("batch of " + prompts.length + " prompts; this session holds 1.." + lengths.length);
        }
        int total = 0;
        for (int b = 0; b < prompts.length; b++) {
            if (prompts[b].length == 0) throw new IllegalArgumentException("empty prompt (sequence " + b + ")");
            checkRoom(lengths[b], prompts[b].length);
            total += prompts[b].length;
        }
        gpu.makeCurrent();
        batch = prompts.length;
        int vocab = c.vocabSize();
        // every prompt's rows one after another, cut into chunks of at most maxRows: a chunk may hold
        // the end of one sequence and the start of the next (each row attends to its own sequence),
        // so a batch of prompts is prefilled in matrix products as wide as one long prompt's
        int[] ids = new int[total], seqs = new int[total], positions = new int[total], lastRow = new int[batch];
        int at = 0;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < prompts[b].length; i++, at++) {
                ids[at] = prompts[b][i];
                seqs[at] = b;
                positions[at] = lengths[b] + i;
            }
            lastRow[b] = at - 1;
        }
        float[] out = new float[batch * vocab];
        for (int from = 0; from < total; from += forward.maxRows) {
            int rows = Math.min(forward.maxRows, total - from), longest = 0, firstWanted = rows;
            for (int i = from; i < from + rows; i++) longest = Math.max(longest, positions[i] + 1);
            for (int last : lastRow) if (last >= from && last < from + rows) firstWanted = Math.min(firstWanted, last - from);
            forward.setInputs(java.util.Arrays.copyOfRange(ids, from, from + rows), java.util.Arrays.copyOfRange(seqs, from, from + rows),
                    java.util.Arrays.copyOfRange(positions, from, from + rows));
            runPrefillChunk(rows, longest, firstWanted);
            for (int b = 0; b < batch; b++) {
                if (lastRow[b] >= from && lastRow[b] < from + rows) readLogitsRow(lastRow[b] - from - firstWanted, out, b * vocab);
            }
        }
        for (int b = 0; b < batch; b++) lengths[b] += prompts[b].length;
        return new Logits(batch, vocab, out);
    }

    @Override
    public float[] prefillAll(int[] tokens) {
        gpu.makeCurrent();
        batch = 1;
        return append(0, tokens, true);
    }

    /** Appends tokens to sequence {@code s} in chunks; the logits of every position, or of the last one. */
    private float[] append(int s, int[] tokens, boolean all) {
        int start = lengths[s], n = tokens.length, vocab = c.vocabSize();
        if (n == 0) throw new IllegalArgumentException("empty prompt");
        checkRoom(start, n);
        float[] out = new float[(all ? n : 1) * vocab];
        for (int done = 0; done < n; ) {
            int rows = Math.min(forward.maxRows, n - done);
            int[] ids = new int[rows], seqs = new int[rows], positions = new int[rows];
            for (int i = 0; i < rows; i++) {
                ids[i] = tokens[done + i];
                seqs[i] = s;
                positions[i] = start + done + i;
            }
            boolean lastChunk = done + rows == n;
            int logitsFrom = all ? 0 : (lastChunk ? rows - 1 : rows);
            forward.setInputs(ids, seqs, positions);
            runPrefillChunk(rows, start + done + rows, logitsFrom);
            int produced = rows - logitsFrom;
            if (produced > 0) readLogits(produced, out, all ? done * vocab : 0);
            done += rows;
        }
        lengths[s] = start + n;
        return out;
    }

    /**
     * One prefill chunk of the rows set by setInputs, attending over at most {@code longest}
     * positions. A full chunk (maxRows rows: every chunk of a long prompt but its last, or a
     * prompt of exactly that length) whose logits start at its last row or past it replays a graph
     * captured once for that case: its inputs are read from device memory, and attn_prefill reads
     * each row's position there too, so the graph holds for any positions. A small model's
     * prefill is otherwise bound by the host's launches (some 200 for gpt2-124m, each a few
     * microseconds of FFM calls and cuBLAS's own host work), not by the GPU.
     * {@code -Dbantam.cuda.prefillGraphs=false} launches every chunk directly, to compare.
     */
    private void runPrefillChunk(int rows, int longest, int logitsFrom) {
        boolean graphed = useGraphs && PREFILL_GRAPHS && rows == forward.maxRows && logitsFrom >= rows - 1 && forward.prefillTiled(rows);
        if (!graphed) {
            forward.run(rows, forward.splits(longest, rows), logitsFrom);
            return;
        }
        MemorySegment graph = prefillGraphs.get(logitsFrom);
        if (graph == null) {
            gpu.driver().beginCapture(gpu.stream());
            forward.run(rows, 1, logitsFrom);  // tiles: no attention chunks to count
            graph = gpu.driver().endCaptureAndInstantiate(gpu.stream());
            prefillGraphs.put(logitsFrom, graph);
        }
        gpu.driver().launchGraph(graph, gpu.stream());
    }

    @Override
    public Logits decode(int[] nextTokens) {
        if (nextTokens.length != batch || batch == 0) throw new IllegalArgumentException(nextTokens.length + " tokens for a batch of " + batch);
        return decodeSequences(firstSequences(), nextTokens);
    }

    /**
     * One decode step: {@code tokens[i]} appended to sequence {@code seqs[i]} (distinct), all in
     * one pass; row i of the logits is {@code seqs[i]}'s. The step of each row count is captured
     * once as a CUDA graph and replayed for any sequences (they and their positions are read
     * from device memory), so slots that join and leave a batch reuse the graphs.
     */
    Logits decodeSequences(int[] seqs, int[] tokens) {
        int rows = seqs.length;
        gpu.makeCurrent();
        for (int s : seqs) checkRoom(lengths[s], 1);
        setStepInputs(seqs, tokens);
        if (useGraphs) {
            MemorySegment graph = decodeGraphs.get(rows);
            if (graph == null) {
                gpu.driver().beginCapture(gpu.stream());
                forward.decode(rows);
                graph = gpu.driver().endCaptureAndInstantiate(gpu.stream());
                decodeGraphs.put(rows, graph);
            }
            gpu.driver().launchGraph(graph, gpu.stream());
        } else {
            forward.decode(rows);
        }
        float[] out = new float[rows * c.vocabSize()];
        readLogits(rows, out, 0);
        for (int s : seqs) lengths[s]++;
        return new Logits(rows, c.vocabSize(), out);
    }

    /** Appends {@code tokens} to sequence {@code s} alone; the logits after the last. */
    float[] prefillSequence(int s, int[] tokens) {
        gpu.makeCurrent();
        return append(s, tokens, false);
    }

    /** Positions in sequence {@code s}'s cache. */
    int length(int s) { return lengths[s]; }

    /** Keeps the first {@code keep} positions of sequence {@code s} (later steps overwrite the rest). */
    void truncate(int s, int keep) {
        if (keep < 0 || keep > lengths[s]) throw new IllegalArgumentException("keep " + keep + " of sequence " + s + "'s " + lengths[s] + " positions");
        lengths[s] = keep;
    }

    /** Sequences this session holds. */
    int sequences() { return lengths.length; }

    /**
     * Kernel time of one decode step of the current batch, launched directly with an event around
     * each kernel: milliseconds and launch count per kernel name. The cache is left as it was.
     */
    public Map<String, double[]> profileDecodeStep(int[] nextTokens) {
        gpu.makeCurrent();
        setStepInputs(firstSequences(), nextTokens);
        gpu.startProfile();
        forward.decode(batch);
        return gpu.stopProfile();
    }

    /** One decode step of the current batch launched directly (no graph), inside cuProfilerStart/Stop: for ncu. */
    public void profiledDecodeStep(int[] nextTokens) {
        gpu.makeCurrent();
        setStepInputs(firstSequences(), nextTokens);
        gpu.synchronize();
        gpu.driver().profilerStart();
        forward.decode(batch);
        gpu.synchronize();
        gpu.driver().profilerStop();
    }

    /** Sequence 0 prefilled with {@code tokens} (one chunk of at most maxRows) inside the profiler range, for ncu. */
    public void profiledPrefill(int[] tokens) {
        gpu.makeCurrent();
        gpu.synchronize();
        gpu.driver().profilerStart();
        prefill(new int[][] {tokens});
        gpu.synchronize();
        gpu.driver().profilerStop();
    }

    /** Inputs of one decode step: token i goes to sequence {@code seqs[i]} at its next position. */
    private void setStepInputs(int[] seqs, int[] tokens) {
        int[] positions = new int[seqs.length];
        for (int i = 0; i < seqs.length; i++) positions[i] = lengths[seqs[i]];
        forward.setInputs(tokens, seqs, positions);
    }

    /** Sequences 0 .. batch − 1: those {@link #decode} advances. */
    private int[] firstSequences() {
        int[] seqs = new int[batch];
        for (int b = 0; b < batch; b++) seqs[b] = b;
        return seqs;
    }

    private void readLogits(int rows, float[] out, int offset) {
        long bytes = 4L * rows * c.vocabSize();
        gpu.driver().copyToHostAsync(hostLogits, forward.logits(), bytes, gpu.stream());
        gpu.synchronize();
        MemorySegment.copy(hostLogits, JAVA_FLOAT, 0, out, offset, rows * c.vocabSize());
    }

    /** Row {@code row} of the logits buffer into {@code out[offset..]}. */
    private void readLogitsRow(int row, float[] out, int offset) {
        long bytes = 4L * c.vocabSize();
        gpu.driver().copyToHostAsync(hostLogits, forward.logits() + row * bytes, bytes, gpu.stream());
        gpu.synchronize();
        MemorySegment.copy(hostLogits, JAVA_FLOAT, 0, out, offset, c.vocabSize());
    }

    private void checkRoom(int cached, int adding) {
        if (cached + adding > forward.capacity) {
            throw new IllegalArgumentException("context full: %d cached + %d new tokens exceed the context size %d"
                    .formatted(cached, adding, forward.capacity));
        }
    }

    /** Index of each row's largest logit after a decode step of the current batch, computed on the device. */
    int[] argmaxOfLastLogits() {
        gpu.makeCurrent();
        long out = gpu.alloc(4L * batch);
        try (Arena a = Arena.ofConfined()) {
            gpu.kernels().argmax(batch, forward.logits(), c.vocabSize(), out);
            MemorySegment host = a.allocate(JAVA_INT, batch);
            gpu.synchronize();
            gpu.driver().copyToHost(host, out, 4L * batch);
            return host.toArray(JAVA_INT);
        } finally {
            gpu.free(out);
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(lengths, 0);
        batch = 0;
    }

    @Override
    public int vocabSize() { return c.vocabSize(); }

    @Override
    public int contextSize() { return forward.capacity; }

    /** Loads every kernel's code and captures the single-sequence decode graph, then forgets the tokens. */
    @Override
    public void warmUp() {
        prefill(new int[][] {{0}});
        decode(new int[] {0});
        reset();
    }

    @Override
    public Tokenizer tokenizer() { return model.tokenizer(); }

    @Override
    public void close() {
        try {
            gpu.makeCurrent();
            for (MemorySegment g : decodeGraphs.values()) gpu.driver().destroyGraphExec(g);
            for (MemorySegment g : prefillGraphs.values()) gpu.driver().destroyGraphExec(g);
            cublas.close();
            gpu.close();
        } finally {
            model.close();
        }
    }
}
