package dev.bantam.onnx;


import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.format.ModelFormatException;
import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.model.ModelFile;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.onnx.OnnxExporter.Precision;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A session on an exported decoder graph (the I/O of {@link OnnxExporter}). Sequences of a batch
 * share one tensor per input: a prompt chunk is left-padded to the longest prompt, padding slots
 * carry attention_mask 0 and stay in the cache (masked), and position_ids count only each
 * sequence's real tokens, so every sequence sees exactly what it would see alone.
 *
 * <p>The KV cache lives in ONNX Runtime's memory between calls: the {@code present.*} outputs of
 * one run are fed, without a copy, as the {@code past_key_values.*} inputs of the next. The
 * {@link OrtSession.Result} that owns them is kept open until the following run has finished and
 * then closed (which frees the previous cache and logits). ONNX Runtime's Java API has no I/O
 * binding, so each run allocates its outputs (the grown cache included) afresh. A graph exported
 * with {@code --no-kv-cache} is supported too: every call then runs the whole history.
 */
final class OnnxSession implements InferenceSession {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession session;
    private final String file;
    private final int vocab, contextSize, maxBatch, layers, kvHeads, headDim;
    private final boolean kvCache;
    private final OnnxJavaType kvType;
    private final Tokenizer tokenizer;
    private final RuntimeException tokenizerError;
    private State state;

    OnnxSession(OrtSession session, ModelSource source, Path model, SessionOptions options, Precision requested) throws OrtException, IOException {
        this.session = session;
        this.file = model.getFileName().toString();
        this.maxBatch = options.maxBatch();
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        if (requested != null && !source.isGguf()) {
            String exported = meta.get("bantam.precision");
            if (exported != null && !exported.equals(requested.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("%s is a %s export; a precision applies to GGUF models, which are exported at it".formatted(file, exported));
            }
        }
        Map<String, NodeInfo> inputs = session.getInputInfo();
        for (String name : new String[] {OnnxExporter.INPUT_IDS, OnnxExporter.ATTENTION_MASK, OnnxExporter.POSITION_IDS}) {
            if (!inputs.containsKey(name)) {
                throw new ModelFormatException("%s: input %s is missing (expected a graph with Bantam's export-onnx inputs and outputs)".formatted(file, name));
            }
        }
        int l = 0;
        while (inputs.containsKey(OnnxExporter.pastKey(l)) && inputs.containsKey(OnnxExporter.pastValue(l))) l++;
        this.layers = l;
        this.kvCache = l > 0;
        if (kvCache) {
            TensorInfo kv = (TensorInfo) inputs.get(OnnxExporter.pastKey(0)).getInfo();
            long[] shape = kv.getShape();
            this.kvHeads = (int) shape[1];
            this.headDim = (int) shape[3];
            this.kvType = kv.type;
            if (kvHeads <= 0 || headDim <= 0 || (kvType != OnnxJavaType.FLOAT && kvType != OnnxJavaType.FLOAT16)) {
                throw new ModelFormatException("%s: past_key_values.0.key is %s (expected float or float16 [batch, kv_heads, past, head_dim])".formatted(file, kv));
            }
        } else {
            this.kvHeads = 0;
            this.headDim = 0;
            this.kvType = null;
        }
        for (int i = 0; i < layers; i++) {
            for (String present : new String[] {OnnxExporter.presentKey(i), OnnxExporter.presentValue(i)}) {
                if (!session.getOutputInfo().containsKey(present)) {
                    throw new ModelFormatException("%s: output %s is missing (a graph with past_key_values.%d inputs returns it)".formatted(file, present, i));
                }
            }
        }
        NodeInfo logits = session.getOutputInfo().get(OnnxExporter.LOGITS);
        if (logits == null) throw new ModelFormatException(file + ": output logits is missing");
        long v = ((TensorInfo) logits.getInfo()).getShape()[2];
        if (v <= 0 && meta.containsKey("bantam.vocab_size")) v = positive(meta, "bantam.vocab_size");
        if (v > Integer.MAX_VALUE - 8) throw new ModelFormatException(file + ": vocabulary of " + v + " tokens is impossible");
        if (v <= 0) throw new ModelFormatException(file + ": the logits' vocabulary dimension is not fixed");
        this.vocab = (int) v;
        if (options.contextSize() > 0) {
            this.contextSize = options.contextSize();
        } else if (meta.containsKey("bantam.context_length")) {
            this.contextSize = options.contextFor((int) Math.min(positive(meta, "bantam.context_length"), Integer.MAX_VALUE));
        } else {
            throw new IllegalArgumentException(file + ": no bantam.context_length in its metadata; give a context size (-c)");
        }
        Tokenizer t = null;
        RuntimeException error = null;
        try {
            if (source.isGguf()) {
                try (ModelFile gguf = ModelFile.open(source.path())) {
                    t = gguf.tokenizer();
                }
            } else {
                t = TokenizerMetadata.tokenizer(meta, file);
            }
        } catch (IllegalArgumentException | ModelFormatException e) {
            error = e;   // a session without a tokenizer still runs token ids (benchmarks)
        }
        this.tokenizer = t;
        this.tokenizerError = error;
    }

    /** A positive integer from the graph's metadata (untrusted text). */
    private long positive(Map<String, String> meta, String key) {
        String text = meta.get(key);
        try {
            long v = Long.parseLong(text.strip());
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // reported below with the key's name
        }
        throw new ModelFormatException("%s: metadata %s is '%s', expected a positive integer".formatted(file, key, ModelFormatException.quote(text)));
    }

    @Override
    public Logits prefill(int[][] prompts) {
        if (prompts.length < 1 || prompts.length > maxBatch) {
            throw new IllegalArgumentException("batch of " + prompts.length + " prompts; this session holds 1.." + maxBatch);
        }
        State s = stateFor(prompts.length);
        int n = 0;
        for (int[] p : prompts) {
            if (p.length == 0) throw new IllegalArgumentException("empty prompt");
            n = Math.max(n, p.length);
        }
        long[][] ids = new long[prompts.length][n], mask = new long[prompts.length][n], pos = new long[prompts.length][n];
        for (int b = 0; b < prompts.length; b++) {
            int pad = n - prompts[b].length;
            check(s, b, prompts[b]);
            for (int i = 0; i < prompts[b].length; i++) {
                ids[b][pad + i] = prompts[b][i];
                mask[b][pad + i] = 1;
                pos[b][pad + i] = s.length[b] + i;
            }
        }
        float[] all = s.run(ids, mask, pos);
        for (int b = 0; b < prompts.length; b++) s.length[b] += prompts[b].length;
        float[] out = new float[prompts.length * vocab];
        for (int b = 0; b < prompts.length; b++) System.arraycopy(all, (b * n + n - 1) * vocab, out, b * vocab, vocab);
        return new Logits(prompts.length, vocab, out);
    }

    @Override
    public Logits decode(int[] nextTokens) {
        if (state == null || state.slots == 0) throw new IllegalStateException("decode before prefill");
        State s = state;
        if (nextTokens.length != s.batch) throw new IllegalArgumentException(nextTokens.length + " tokens for a batch of " + s.batch);
        long[][] ids = new long[s.batch][1], mask = new long[s.batch][1], pos = new long[s.batch][1];
        for (int b = 0; b < s.batch; b++) {
            check(s, b, new int[] {nextTokens[b]});
            ids[b][0] = nextTokens[b];
            mask[b][0] = 1;
            pos[b][0] = s.length[b];
        }
        float[] out = s.run(ids, mask, pos);
        for (int b = 0; b < s.batch; b++) s.length[b]++;
        return new Logits(s.batch, vocab, out);
    }

    @Override
    public float[] prefillAll(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("empty prompt");
        State s = stateFor(1);
        check(s, 0, tokens);
        long[][] ids = new long[1][tokens.length], mask = new long[1][tokens.length], pos = new long[1][tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[0][i] = tokens[i];
            mask[0][i] = 1;
            pos[0][i] = s.length[0] + i;
        }
        float[] out = s.run(ids, mask, pos);
        s.length[0] += tokens.length;
        return out;
    }

    private State stateFor(int batch) {
        if (state != null && state.slots > 0) {
            if (state.batch != batch) {
                throw new IllegalStateException("this session holds %d sequences; %d given (reset() first)".formatted(state.batch, batch));
            }
            return state;
        }
        if (state != null) state.close();
        state = new State(batch);
        return state;
    }

    private void check(State s, int b, int[] tokens) {
        if (s.length[b] + tokens.length > contextSize) {
            throw new IllegalArgumentException("sequence %d: %d + %d positions exceed the context of %d".formatted(b, s.length[b], tokens.length, contextSize));
        }
        for (int t : tokens) {
            if (t < 0 || t >= vocab) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary (0.." + (vocab - 1) + ")");
        }
    }

    @Override
    public void reset() {
        if (state != null) state.close();
        state = null;
    }

    @Override
    public int vocabSize() { return vocab; }

    @Override
    public int contextSize() { return contextSize; }

    /** A throw-away prefill of a few tokens and two decode steps, on a state of its own. */
    @Override
    public void warmUp() {
        int n = Math.max(1, Math.min(8, contextSize - 2));
        try (State s = new State(1)) {
            long[][] ids = new long[1][n], mask = new long[1][n], pos = new long[1][n];
            for (int i = 0; i < n; i++) {
                ids[0][i] = i % vocab;
                mask[0][i] = 1;
                pos[0][i] = i;
            }
            s.run(ids, mask, pos);
            for (int i = 0; i < 2 && n + i < contextSize; i++) s.run(new long[][] {{i % vocab}}, new long[][] {{1}}, new long[][] {{n + i}});
        }
    }

    @Override
    public Tokenizer tokenizer() {
        if (tokenizer == null) throw tokenizerError;
        return tokenizer;
    }

    @Override
    public void close() {
        reset();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": closing the ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }

    /**
     * The sequences of one batch: their slots (attention mask, and for a graph without KV cache the
     * ids and positions too), real-token counts, and the run result that owns the KV cache.
     */
    private final class State implements AutoCloseable {
        final int batch;
        final int[] length;
        int slots;
        long[][] mask, ids, pos;
        OrtSession.Result cache;

        State(int batch) {
            this.batch = batch;
            this.length = new int[batch];
            this.mask = new long[batch][16];
            this.ids = kvCache ? null : new long[batch][16];
            this.pos = kvCache ? null : new long[batch][16];
        }

        /** Appends a chunk of slots [batch][n] and runs it; logits of the new slots, [batch][n][vocab]. */
        float[] run(long[][] newIds, long[][] newMask, long[][] newPos) {
            int n = newIds[0].length, before = slots;
            mask = append(mask, newMask);
            if (!kvCache) {
                ids = append(ids, newIds);
                pos = append(pos, newPos);
            }
            slots += n;
            Map<String, OnnxTensor> owned = new HashMap<>();
            Map<String, OnnxTensorLike> in = new HashMap<>();
            boolean kept = false;
            OrtSession.Result r = null;
            try {
                in.put(OnnxExporter.INPUT_IDS, own(owned, OnnxExporter.INPUT_IDS, kvCache ? newIds : ids, kvCache ? n : slots));
                in.put(OnnxExporter.POSITION_IDS, own(owned, OnnxExporter.POSITION_IDS, kvCache ? newPos : pos, kvCache ? n : slots));
                in.put(OnnxExporter.ATTENTION_MASK, own(owned, OnnxExporter.ATTENTION_MASK, mask, slots));
                for (int l = 0; l < layers; l++) {
                    for (String[] names : new String[][] {{OnnxExporter.pastKey(l), OnnxExporter.presentKey(l)}, {OnnxExporter.pastValue(l), OnnxExporter.presentValue(l)}}) {
                        if (cache == null) {
                            OnnxTensor empty = emptyPast();
                            owned.put(names[0], empty);
                            in.put(names[0], empty);
                        } else {
                            in.put(names[0], (OnnxTensor) cache.get(names[1]).orElseThrow());
                        }
                    }
                }
                r = session.run(in);
                FloatBuffer fb = ((OnnxTensor) r.get(OnnxExporter.LOGITS).orElseThrow()).getFloatBuffer();
                int rows = kvCache ? n : slots;
                float[] out = new float[batch * n * vocab];
                for (int b = 0; b < batch; b++) fb.get(((b * rows) + rows - n) * vocab, out, b * n * vocab, n * vocab);
                if (kvCache) {
                    OrtSession.Result old = cache;
                    cache = r;       // its present.* are the next run's past_key_values.*
                    kept = true;
                    if (old != null) old.close();
                }
                return out;
            } catch (OrtException e) {
                slots = before;
                // a graph that loads but fails when run is the file's fault: one line, exit 1
                String m = e.getMessage() == null ? "no message" : e.getMessage().lines().findFirst().orElse("");
                throw new ModelFormatException(file + ": ONNX Runtime run failed: " + ModelFormatException.quote(m), e);
            } catch (RuntimeException e) {
                slots = before;
                throw e;
            } finally {
                if (r != null && !kept) r.close();
                owned.values().forEach(OnnxTensor::close);
            }
        }

        private long[][] append(long[][] rows, long[][] chunk) {
            int n = chunk[0].length;
            if (slots + n > rows[0].length) {
                int cap = Math.max(rows[0].length * 2, slots + n);
                for (int b = 0; b < batch; b++) rows[b] = Arrays.copyOf(rows[b], cap);
            }
            for (int b = 0; b < batch; b++) System.arraycopy(chunk[b], 0, rows[b], slots, n);
            return rows;
        }

        private OnnxTensor own(Map<String, OnnxTensor> owned, String name, long[][] rows, int n) throws OrtException {
            LongBuffer buf = LongBuffer.allocate(batch * n);
            for (int b = 0; b < batch; b++) buf.put(rows[b], 0, n);
            buf.flip();
            OnnxTensor t = OnnxTensor.createTensor(ENV, buf, new long[] {batch, n});
            owned.put(name, t);
            return t;
        }

        private OnnxTensor emptyPast() throws OrtException {
            long[] shape = {batch, kvHeads, 0, headDim};
            return kvType == OnnxJavaType.FLOAT16
                    ? OnnxTensor.createTensor(ENV, ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()), shape, OnnxJavaType.FLOAT16)
                    : OnnxTensor.createTensor(ENV, FloatBuffer.allocate(0), shape);
        }

        @Override
        public void close() {
            if (cache != null) cache.close();
            cache = null;
        }
    }
}
