package dev.bantam.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.testing.Agreement;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs an exported graph in ONNX Runtime through the documented input and output names. */
final class OrtRunner implements AutoCloseable {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    final OrtSession session;
    final ModelConfig config;
    final boolean kvCache;
    final boolean fp16Cache;

    OrtRunner(Path model, ModelConfig config, boolean kvCache, boolean fp16Cache) throws Exception {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(2);
        this.session = ENV.createSession(model.toString(), options);
        this.config = config;
        this.kvCache = kvCache;
        this.fp16Cache = fp16Cache;
    }

    /** One run: logits [batch][seq·vocab] flattened to [batch·seq·vocab]; presents replace {@code cache} when given. */
    float[] run(long[][] ids, long[][] mask, long[][] positions, Map<String, OnnxTensor> cache) throws Exception {
        int b = ids.length, s = ids[0].length;
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put(OnnxExporter.INPUT_IDS, longs(ids));
            in.put(OnnxExporter.ATTENTION_MASK, longs(mask));
            in.put(OnnxExporter.POSITION_IDS, longs(positions));
            Map<String, OnnxTensor> past = cache != null ? cache : new HashMap<>();
            if (kvCache) {
                for (int l = 0; l < config.layers(); l++) {
                    for (String name : new String[] {OnnxExporter.pastKey(l), OnnxExporter.pastValue(l)}) {
                        if (!past.containsKey(name)) past.put(name, emptyPast(b));
                    }
                }
                in.putAll(past);
            }
            try (OrtSession.Result r = session.run(in)) {
                OnnxTensor logits = (OnnxTensor) r.get(OnnxExporter.LOGITS).orElseThrow();
                long[] shape = logits.getInfo().getShape();
                if (shape[0] != b || shape[1] != s || shape[2] != config.vocabSize()) {
                    throw new AssertionError("logits shape " + java.util.Arrays.toString(shape));
                }
                FloatBuffer fb = logits.getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                if (kvCache && cache != null) {
                    for (int l = 0; l < config.layers(); l++) {
                        copyPresent(r, OnnxExporter.presentKey(l), OnnxExporter.pastKey(l), cache);
                        copyPresent(r, OnnxExporter.presentValue(l), OnnxExporter.pastValue(l), cache);
                    }
                }
                return out;
            }
        } finally {
            for (var e : in.entrySet()) {
                if (cache == null || !cache.containsKey(e.getKey())) e.getValue().close();
            }
        }
    }

    private void copyPresent(OrtSession.Result r, String present, String past, Map<String, OnnxTensor> cache) throws Exception {
        OnnxTensor t = (OnnxTensor) r.get(present).orElseThrow();
        long[] shape = t.getInfo().getShape();
        OnnxTensor copy = fp16Cache
                ? OnnxTensor.createTensor(ENV, copyOf(t.getByteBuffer()), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(ENV, t.getFloatBuffer(), shape);
        OnnxTensor old = cache.put(past, copy);
        if (old != null) old.close();
    }

    private static ByteBuffer copyOf(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocateDirect(b.remaining()).order(b.order());
        c.put(b).flip();
        return c;
    }

    private OnnxTensor emptyPast(int batch) throws Exception {
        long[] shape = {batch, config.kvHeads(), 0, config.headDim()};
        return fp16Cache
                ? OnnxTensor.createTensor(ENV, ByteBuffer.allocateDirect(0), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(ENV, FloatBuffer.allocate(0), shape);
    }

    private static OnnxTensor longs(long[][] x) throws Exception {
        LongBuffer b = LongBuffer.allocate(x.length * x[0].length);
        for (long[] row : x) b.put(row);
        b.flip();
        return OnnxTensor.createTensor(ENV, b, new long[] {x.length, x[0].length});
    }

    /** Logits of every position of one sequence, run at once from an empty past. */
    float[] logits(int[] tokens) throws Exception {
        long[][] ids = {toLongs(tokens)};
        long[][] mask = {ones(tokens.length)};
        long[][] pos = {range(0, tokens.length)};
        return run(ids, mask, pos, null);
    }

    /** Logits of every position, one token per run, present fed back as past. */
    float[] logitsStepByStep(int[] tokens) throws Exception {
        int vocab = config.vocabSize();
        float[] all = new float[tokens.length * vocab];
        Map<String, OnnxTensor> cache = new HashMap<>();
        try {
            for (int i = 0; i < tokens.length; i++) {
                float[] l = run(new long[][] {{tokens[i]}}, new long[][] {ones(i + 1)}, new long[][] {{i}}, cache);
                System.arraycopy(l, 0, all, i * vocab, vocab);
            }
        } finally {
            cache.values().forEach(OnnxTensor::close);
        }
        return all;
    }

    /** Greedy continuation: prefill the prompt, then decode one token at a time through the cache. */
    int[] greedy(int[] prompt, int n) throws Exception {
        int vocab = config.vocabSize();
        Map<String, OnnxTensor> cache = new HashMap<>();
        try {
            float[] l = run(new long[][] {toLongs(prompt)}, new long[][] {ones(prompt.length)}, new long[][] {range(0, prompt.length)}, cache);
            int[] out = new int[n];
            int pos = prompt.length;
            for (int i = 0; i < n; i++) {
                out[i] = Agreement.argmax(l, l.length - vocab, vocab);
                if (i + 1 < n) {
                    l = run(new long[][] {{out[i]}}, new long[][] {ones(pos + 1)}, new long[][] {{pos}}, cache);
                    pos++;
                }
            }
            return out;
        } finally {
            cache.values().forEach(OnnxTensor::close);
        }
    }

    static long[] toLongs(int[] x) {
        long[] r = new long[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i];
        return r;
    }

    static long[] ones(int n) {
        long[] r = new long[n];
        java.util.Arrays.fill(r, 1);
        return r;
    }

    static long[] range(int from, int to) {
        long[] r = new long[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    @Override
    public void close() throws ai.onnxruntime.OrtException {
        session.close();
    }
}
