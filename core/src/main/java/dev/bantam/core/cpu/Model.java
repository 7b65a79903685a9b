package dev.bantam.core.cpu;

import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.ModelFile;
import dev.bantam.core.model.Weights;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model on the CPU engine: its {@link ModelFile} (mapped GGUF, configuration, weights,
 * tokenizer), a thread pool and the {@link Transformer} over them.
 * {@link #newSession(int)} gives an independent KV cache over the shared weights.
 */
public final class Model implements AutoCloseable {
    private static final long WARM_UP_NANOS = 1_000_000_000L;

    private final ModelFile file;
    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final ThreadPool pool;
    private final Transformer transformer;

    private Model(ModelFile file, ThreadPool pool) {
        this.file = file;
        this.config = file.config();
        this.tokenizer = file.tokenizer();
        this.pool = pool;
        this.transformer = new Transformer(config, file.weights(), pool);
    }

    /** Loads a GGUF model with one worker thread per available core. */
    public static Model load(Path path) throws IOException {
        return load(path, Runtime.getRuntime().availableProcessors());
    }

    public static Model load(Path path, int threads) throws IOException {
        return load(path, threads, Weights.AbsentOutput.TIED_EMBEDDING);
    }

    /** @param absentOutput what a missing {@code output.weight} means (the file format's rule, which the caller knows) */
    public static Model load(Path path, int threads, Weights.AbsentOutput absentOutput) throws IOException {
        ModelFile file = ModelFile.load(path, absentOutput);
        try {
            return new Model(file, new ThreadPool(threads));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public ModelConfig config() { return config; }
    public Tokenizer tokenizer() { return tokenizer; }
    public GgufFile file() { return file.gguf(); }
    public int threads() { return pool.threads(); }

    /** The forward pass over this model's weights, for callers that manage their own caches (batches, prefix reuse). */
    public Transformer transformer() { return transformer; }

    /** A session whose KV cache holds up to {@code contextSize} positions (≤ the model's context length). */
    public Session newSession(int contextSize) {
        if (contextSize < 1) throw new IllegalArgumentException("context size must be >= 1, got " + contextSize);
        if (contextSize > config.contextLength()) {
            throw new IllegalArgumentException("context size %d exceeds the model's context length %d"
                    .formatted(contextSize, config.contextLength()));
        }
        long cacheBytes = 2L * Float.BYTES * config.layers() * contextSize * config.kvDim();
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (cacheBytes > available * 0.9) {
            throw new IllegalArgumentException(("a KV cache of %d positions needs %.1f GiB, more than the %.1f GiB of heap left; "
                    + "use a smaller context (-c) or a larger heap (BANTAM_JAVA_OPTS=-Xmx...)")
                    .formatted(contextSize, cacheBytes / (double) (1L << 30), available / (double) (1L << 30)));
        }
        return new Session(transformer, new KvCache(config, contextSize));
    }

    /**
     * Runs throw-away forward passes so the JIT compiles the kernels before anything is timed, as
     * llama.cpp's tools run a warm-up decode before their first measured one. C2 needs many
     * iterations, so small models get up to ten rounds; large ones stop after about a second.
     */
    public void warmUp() {
        Session s = newSession(Math.min(config.contextLength(), 64));
        // 40 tokens: both prefill kernel shapes (full and half tiles of tokens) get compiled
        int[] prompt = new int[Math.max(1, Math.min(40, s.contextSize() - 16))];
        long deadline = System.nanoTime() + WARM_UP_NANOS;
        for (int round = 0; round < 10 && (round < 1 || System.nanoTime() < deadline); round++) {
            s.reset();
            s.prefill(prompt);
            for (int i = 0; i < 16 && s.position() < s.contextSize(); i++) s.decode(0);
        }
    }

    @Override
    public void close() {
        pool.close();
        file.close();
    }
}
