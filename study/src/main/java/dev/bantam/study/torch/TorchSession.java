package dev.bantam.study.torch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.Logits;
import dev.bantam.core.tokenizer.Tokenizer;

/**
 * A session on the PyTorch worker: each call is one request of the line protocol. The token ids
 * come from Bantam's tokenizer of the GGUF file (the exported tokenizer.json has the same
 * vocabulary), so every backend of a study sees the same ids.
 */
final class TorchSession implements InferenceSession {
    private final TorchWorker worker;
    private final Tokenizer tokenizer;
    private final int vocab, context;
    private final JsonNode info;

    TorchSession(TorchWorker worker, JsonNode info, Tokenizer tokenizer, int context) {
        this.worker = worker;
        this.info = info;
        this.tokenizer = tokenizer;
        this.vocab = info.path("vocab").asInt();
        this.context = context;
    }

    /** What the worker said it runs: engine, versions, device, dtype. */
    JsonNode info() { return info; }

    @Override
    public Logits prefill(int[][] prompts) {
        return logits(worker.call(TorchWorker.tokens("prefill", prompts)), prompts.length);
    }

    @Override
    public Logits decode(int[] nextTokens) {
        return logits(worker.call(TorchWorker.tokens("decode", nextTokens)), nextTokens.length);
    }

    @Override
    public float[] prefillAll(int[] tokens) {
        var r = worker.call(TorchWorker.tokens("prefill_all", tokens));
        if (r.logits() == null || r.logits().length != tokens.length * vocab) {
            throw new TorchWorker.WorkerException("torch worker: prefill_all of %d tokens sent %s logits".formatted(tokens.length,
                    r.logits() == null ? "no" : Integer.toString(r.logits().length)));
        }
        return r.logits();
    }

    private Logits logits(TorchWorker.Reply r, int batch) {
        if (r.logits() == null) throw new TorchWorker.WorkerException("torch worker: no logits in the reply");
        return new Logits(batch, r.logits().length / batch, r.logits());
    }

    @Override
    public void reset() { worker.call(TorchWorker.request("reset")); }

    @Override
    public int vocabSize() { return vocab; }

    @Override
    public int contextSize() { return context; }

    @Override
    public void warmUp() { worker.call(TorchWorker.request("warmup")); }

    @Override
    public long deviceMemoryBytes() {
        return worker.call(TorchWorker.request("memory")).header().path("device_bytes").asLong(-1);
    }

    @Override
    public Tokenizer tokenizer() { return tokenizer; }

    @Override
    public void close() { worker.close(); }
}
