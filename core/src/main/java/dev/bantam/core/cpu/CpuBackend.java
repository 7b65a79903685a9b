package dev.bantam.core.cpu;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.backend.SlotSession;
import dev.bantam.core.tokenizer.Tokenizer;

import java.io.IOException;

/** Bantam's own engine: the Vector API forward pass on a GGUF file. */
public final class CpuBackend implements InferenceBackend {
    public static final String ID = "cpu";

    @Override
    public String id() { return ID; }

    @Override
    public Availability availability() { return Availability.yes(); }

    @Override
    public InferenceSession open(ModelSource source, SessionOptions options) throws IOException {
        if (!source.isGguf()) throw new IllegalArgumentException(source.fileName() + ": the cpu backend runs GGUF files");
        Model model = Model.load(source.path(), options.threads());
        try {
            int ctx = options.contextFor(model.config().contextLength());
            return new CpuSession(model, ctx, options.maxBatch());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public SlotSession openSlots(ModelSource source, SessionOptions options) throws IOException {
        if (!source.isGguf()) throw new IllegalArgumentException(source.fileName() + ": the cpu backend runs GGUF files");
        Model model = Model.load(source.path(), options.threads());
        try {
            return new CpuSlots(model, options.contextFor(model.config().contextLength()), options.maxBatch());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public boolean batchesSlots() { return true; }

    /** One {@link Session} per sequence over the shared weights; sequences run one after another. */
    private static final class CpuSession implements InferenceSession {
        private final Model model;
        private final Session[] sequences;
        private int batch;

        CpuSession(Model model, int contextSize, int maxBatch) {
            this.model = model;
            this.sequences = new Session[maxBatch];
            for (int i = 0; i < maxBatch; i++) sequences[i] = model.newSession(contextSize);
        }

        @Override
        public Logits prefill(int[][] prompts) {
            if (prompts.length < 1 || prompts.length > sequences.length) {
                throw new IllegalArgumentException("batch of " + prompts.length + " prompts; this session holds 1.." + sequences.length);
            }
            batch = prompts.length;
            int vocab = vocabSize();
            float[] out = new float[batch * vocab];
            for (int b = 0; b < batch; b++) System.arraycopy(sequences[b].prefill(prompts[b]), 0, out, b * vocab, vocab);
            return new Logits(batch, vocab, out);
        }

        @Override
        public Logits decode(int[] nextTokens) {
            if (nextTokens.length != batch) throw new IllegalArgumentException(nextTokens.length + " tokens for a batch of " + batch);
            int vocab = vocabSize();
            float[] out = new float[batch * vocab];
            for (int b = 0; b < batch; b++) System.arraycopy(sequences[b].decode(nextTokens[b]), 0, out, b * vocab, vocab);
            return new Logits(batch, vocab, out);
        }

        @Override
        public float[] prefillAll(int[] tokens) {
            batch = 1;
            return sequences[0].prefillAll(tokens);
        }

        @Override
        public void reset() {
            for (Session s : sequences) s.reset();
            batch = 0;
        }

        @Override
        public int vocabSize() { return model.config().vocabSize(); }

        @Override
        public int contextSize() { return sequences[0].contextSize(); }

        @Override
        public void warmUp() { model.warmUp(); }

        @Override
        public String loadSummary() { return model.transformer().repackSummary().describe(); }

        @Override
        public Tokenizer tokenizer() { return model.tokenizer(); }

        @Override
        public void close() { model.close(); }
    }
}
