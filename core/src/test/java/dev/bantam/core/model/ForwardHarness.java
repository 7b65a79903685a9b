package dev.bantam.core.model;

import dev.bantam.core.cpu.KvCache;
import dev.bantam.core.cpu.Transformer;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.kernels.ThreadPool;

import java.nio.file.Path;

/** The forward pass of a GGUF file without its tokenizer, so golden-logit tests test only the math. */
public final class ForwardHarness implements AutoCloseable {
    public final GgufFile file;
    public final ModelConfig config;
    public final Transformer transformer;
    private final ThreadPool pool;

    public ForwardHarness(Path path, int threads) throws Exception {
        file = GgufFile.open(path);
        int vocab = file.metadata().optStringArray("tokenizer.ggml.tokens").orElseThrow().length;
        config = ModelConfig.from(path.getFileName().toString(), file.metadata(), vocab);
        pool = new ThreadPool(threads);
        transformer = new Transformer(config, Weights.load(file, config), pool);
    }

    /** Logits of every position of {@code tokens}, from an empty cache, in one prefill. */
    public float[] logits(int[] tokens) {
        return transformer.forward(new KvCache(config, Math.max(tokens.length, 1)), tokens, true);
    }

    /** Logits of every position, fed one token at a time through the KV cache. */
    public float[] logitsStepByStep(int[] tokens) {
        KvCache cache = new KvCache(config, tokens.length);
        float[] all = new float[tokens.length * config.vocabSize()];
        for (int i = 0; i < tokens.length; i++) {
            float[] l = transformer.forward(cache, new int[] {tokens[i]}, false);
            System.arraycopy(l, 0, all, i * config.vocabSize(), l.length);
        }
        return all;
    }

    /** Greedy continuation of {@code prompt}. */
    public int[] greedy(int[] prompt, int n) {
        KvCache cache = new KvCache(config, prompt.length + n);
        float[] l = transformer.forward(cache, prompt, false);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = dev.bantam.core.generate.Sampler.argmax(l);
            if (i + 1 < n) l = transformer.forward(cache, new int[] {out[i]}, false);
        }
        return out;
    }

    @Override
    public void close() {
        pool.close();
        file.close();
    }
}
