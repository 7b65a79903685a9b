package dev.bantam.study;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.eval.Perplexity;
import dev.bantam.core.generate.Sampler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The accuracy pass: llama.cpp-style perplexity windows (BOS replaces each window's first token
 * when the model adds one; positions ctx/2 … ctx−2 scored), plus, against the base variant's
 * logits at the same positions, the KL divergence KL(base ‖ variant) of each next-token
 * distribution, whether the top tokens agree, and the largest |Δlogit|. The base writes its
 * token ids and logits to the job's directory; the others read them, so all see the same ids.
 */
final class AccuracyRun {
    private AccuracyRun() {}

    static final String TOKENS = "tokens.i32", LOGITS = "logits.f32";

    static RunOutcome execute(InferenceSession session, AccuracyJob job) throws IOException {
        Path dir = Path.of(job.baseDir());
        int[] tokens = job.isBase() ? tokenize(session, job) : readTokens(dir.resolve(TOKENS));
        int ctx = job.ctx(), vocab = session.vocabSize(), first = ctx / 2, scoredPerWindow = ctx - 1 - first;
        int windows = Math.min(job.windows(), tokens.length / ctx);
        if (windows == 0) throw new IllegalArgumentException("the accuracy text has %d tokens, fewer than one window of %d".formatted(tokens.length, ctx));
        var tokenizer = session.tokenizer();
        int bos = tokenizer.addBosByDefault() && tokenizer.bosId() >= 0 ? tokenizer.bosId() : -1;

        int n = windows * scoredPerWindow;
        double[] nll = new double[n], kl = new double[n];
        int sameTop = 0;
        double maxAbs = 0;
        try (FileChannel base = job.isBase()
                ? FileChannel.open(dir.resolve(LOGITS), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                : FileChannel.open(dir.resolve(LOGITS), StandardOpenOption.READ)) {
            if (!job.isBase() && base.size() != (long) n * vocab * Float.BYTES) {
                throw new IllegalStateException("the base logits hold %d bytes, expected %d (a different vocabulary?)".formatted(base.size(), (long) n * vocab * Float.BYTES));
            }
            ByteBuffer row = ByteBuffer.allocate(vocab * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            float[] ref = new float[vocab];
            int k = 0;
            for (int w = 0; w < windows; w++) {
                int[] window = Arrays.copyOfRange(tokens, w * ctx, (w + 1) * ctx);
                if (bos >= 0) window[0] = bos;
                session.reset();
                float[] logits = session.prefillAll(window);
                for (int pos = first; pos < ctx - 1; pos++, k++) {
                    int off = pos * vocab;
                    nll[k] = -Perplexity.logProbability(logits, off, vocab, window[pos + 1]);
                    row.clear();
                    if (job.isBase()) {
                        for (int i = 0; i < vocab; i++) row.putFloat(logits[off + i]);
                        row.flip();
                        while (row.hasRemaining()) base.write(row);
                        sameTop++;
                        continue;
                    }
                    while (row.hasRemaining()) if (base.read(row) < 0) throw new IllegalStateException("base logits end early");
                    row.flip();
                    for (int i = 0; i < vocab; i++) ref[i] = row.getFloat();
                    kl[k] = klDivergence(ref, logits, off, vocab);
                    if (Sampler.argmax(ref) == Sampler.argmax(logits, off, vocab)) sameTop++;
                    for (int i = 0; i < vocab; i++) maxAbs = Math.max(maxAbs, Math.abs(logits[off + i] - ref[i]));
                }
            }
        }
        return RunOutcome.accuracy(nll, kl, sameTop, maxAbs);
    }

    private static int[] tokenize(InferenceSession session, AccuracyJob job) throws IOException {
        String text = Files.readString(Path.of(job.textPath()));
        var tokenizer = session.tokenizer();
        int[] tokens = tokenizer.encode(text, tokenizer.addBosByDefault(), false);
        ByteBuffer b = ByteBuffer.allocate(tokens.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int t : tokens) b.putInt(t);
        Files.write(Path.of(job.baseDir()).resolve(TOKENS), b.array(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return tokens;
    }

    private static int[] readTokens(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int[] t = new int[b.remaining() / Integer.BYTES];
            for (int i = 0; i < t.length; i++) t[i] = b.getInt();
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("the base variant's tokens are missing (did its accuracy pass fail?): " + file, e);
        }
    }

    /** Σ p·(log p − log q) with p = softmax(ref), q = softmax(logits[off..off+n)), in double. */
    static double klDivergence(float[] ref, float[] logits, int off, int n) {
        double lp = logSumExp(ref, 0, n), lq = logSumExp(logits, off, n), kl = 0;
        for (int i = 0; i < n; i++) {
            double logP = ref[i] - lp, logQ = logits[off + i] - lq;
            kl += Math.exp(logP) * (logP - logQ);
        }
        return Math.max(0, kl);
    }

    private static double logSumExp(float[] v, int off, int n) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < n; i++) max = Math.max(max, v[off + i]);
        for (int i = 0; i < n; i++) sum += Math.exp(v[off + i] - max);
        return max + Math.log(sum);
    }
}
