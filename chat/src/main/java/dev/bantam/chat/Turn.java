package dev.bantam.chat;

import dev.bantam.core.generate.Sampler;
import dev.bantam.core.tokenizer.StreamingDecoder;
import dev.bantam.core.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One reply on a {@link TokenContext}: reuse the cached prefix of the prompt, compute the rest,
 * then sample token by token until an end-of-turn token or text, the token limit, the end of the
 * context, or a cancellation. The token that ends the turn is not added to the cache: the next
 * turn's rendering brings the template's own end-of-turn text instead.
 */
final class Turn {
    private Turn() {}

    /**
     * @param stopTokens ids that end the turn besides the tokenizer's end-of-generation ones
     * @param stopTexts  texts that end the turn (end-of-turn markers the vocabulary has no token for)
     */
    static Reply run(TokenContext ctx, int[] prompt, SamplingOptions sampling, Set<Integer> stopTokens,
                     List<String> stopTexts, BooleanSupplier cancelled, Consumer<String> onText) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (prompt.length >= ctx.contextSize()) {
            throw new IllegalArgumentException("the conversation has %d tokens but the context holds %d (start a new one, or use a larger context)"
                    .formatted(prompt.length, ctx.contextSize()));
        }
        Tokenizer tokenizer = ctx.tokenizer();
        // at least the last prompt token is computed again: its logits start the reply
        int reused = Math.min(commonPrefix(ctx, prompt), prompt.length - 1);
        ctx.keep(reused);
        reused = ctx.length();

        Sampler sampler = new Sampler(sampling.settings());
        for (int i = Math.max(0, prompt.length - 64); i < prompt.length; i++) sampler.accept(prompt[i]);
        long t0 = System.nanoTime();
        float[] logits = ctx.append(Arrays.copyOfRange(prompt, reused, prompt.length));
        long prefillNanos = System.nanoTime() - t0;

        StreamingDecoder decoder = new StreamingDecoder(tokenizer, false);
        StopText stop = new StopText(stopTexts);
        FinishReason finish = FinishReason.LENGTH;
        int generated = 0;
        long t1 = System.nanoTime();
        while (true) {
            if (cancelled.getAsBoolean()) {
                finish = FinishReason.CANCELLED;
                break;
            }
            int next = sampler.sample(logits);
            if (tokenizer.isEndOfGeneration(next) || stopTokens.contains(next)) {
                finish = FinishReason.STOP;
                break;
            }
            sampler.accept(next);
            generated++;
            String shown = stop.feed(decoder.feed(next));
            if (!shown.isEmpty()) onText.accept(shown);
            if (stop.stopped()) {
                finish = FinishReason.STOP;
                break;
            }
            if (generated >= sampling.maxTokens() || ctx.length() + 1 >= ctx.contextSize()) break;
            logits = ctx.append(new int[] {next});
        }
        // an unfinished UTF-8 character and text held back as a possible stop string
        String rest = stop.feed(decoder.flush());
        rest += stop.flush();
        if (!rest.isEmpty()) onText.accept(rest);
        return new Reply(stop.reply(), finish, prompt.length, reused, generated, prefillNanos, System.nanoTime() - t1);
    }

    private static int commonPrefix(TokenContext ctx, int[] prompt) {
        int n = Math.min(ctx.length(), prompt.length);
        int i = 0;
        while (i < n && ctx.token(i) == prompt[i]) i++;
        return i;
    }
}
