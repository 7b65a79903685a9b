package dev.bantam.server;

import dev.bantam.chat.StopText;
import dev.bantam.core.generate.Sampler;
import dev.bantam.core.tokenizer.StreamingDecoder;
import dev.bantam.core.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request's reply while it holds a slot: from each step's logits it samples a token (after
 * OpenAI's presence and frequency penalties), streams the text that can be shown, and says whether
 * the reply goes on. Owned by the scheduler thread.
 */
final class Generation {
    final Job job;
    final int slot;
    final int reused;
    private final GenerationRequest r;
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final StreamingDecoder decoder;
    private final StopText stop;
    private final Map<Integer, Integer> counts = new HashMap<>();
    private int generated;
    long lastTokenNanos;

    Generation(Job job, int slot, int reused, Tokenizer tokenizer) {
        this.job = job;
        this.slot = slot;
        this.reused = reused;
        this.r = job.request;
        this.tokenizer = tokenizer;
        this.sampler = new Sampler(r.sampling());
        int[] p = r.prompt();
        for (int i = Math.max(0, p.length - r.sampling().repeatLastN()); i < p.length; i++) sampler.accept(p[i]);
        this.decoder = new StreamingDecoder(tokenizer, false);
        this.stop = new StopText(r.stopTexts());
    }

    int generated() { return generated; }

    /**
     * Samples the next token from {@code logits} and streams it. Returns the token to append to the
     * slot for the next step, or -1 when the reply has ended (the end event has been sent).
     *
     * @param room positions left in the slot's cache
     */
    int step(float[] logits, int room) {
        // logprobs come from the model's distribution, before penalties
        GenerationEvent.TokenLogprob lp = null;
        float[] raw = r.logprobs() ? logits.clone() : null;
        penalize(logits);
        int next = sampler.sample(logits);
        if (!r.ignoreEos() && (tokenizer.isEndOfGeneration(next) || r.stopTokens().contains(next))) return end("stop");
        sampler.accept(next);
        counts.merge(next, 1, Integer::sum);
        generated++;
        if (raw != null) lp = logprob(raw, next);
        String shown = stop.feed(decoder.feed(next));
        job.emit(new GenerationEvent.Text(shown, lp));
        if (stop.stopped()) return end("stop");
        if (generated >= r.maxTokens() || room < 1) return end("length");
        return next;
    }

    private int end(String reason) {
        String rest = stop.feed(decoder.flush()) + stop.flush();
        if (!rest.isEmpty()) job.emit(new GenerationEvent.Text(rest, null));
        job.emit(new GenerationEvent.Done(reason, r.prompt().length, reused, generated));
        return -1;
    }

    private void penalize(float[] logits) {
        if (r.presencePenalty() == 0 && r.frequencyPenalty() == 0) return;
        for (var e : counts.entrySet()) logits[e.getKey()] -= r.presencePenalty() + r.frequencyPenalty() * e.getValue();
    }

    /** log softmax of the model's logits at the chosen token, and the top alternatives. */
    private GenerationEvent.TokenLogprob logprob(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        double logZ = max + Math.log(sum);
        List<GenerationEvent.Alternative> top = new ArrayList<>();
        if (r.topLogprobs() > 0) {
            boolean[] taken = new boolean[logits.length];
            for (int k = 0; k < r.topLogprobs(); k++) {
                int best = -1;
                for (int i = 0; i < logits.length; i++) if (!taken[i] && (best < 0 || logits[i] > logits[best])) best = i;
                taken[best] = true;
                top.add(new GenerationEvent.Alternative(text(best), logits[best] - logZ, tokenizer.tokenBytes(best)));
            }
        }
        return new GenerationEvent.TokenLogprob(text(token), logits[token] - logZ, tokenizer.tokenBytes(token), top);
    }

    private String text(int id) {
        return new String(tokenizer.tokenBytes(id), java.nio.charset.StandardCharsets.UTF_8);
    }
}
