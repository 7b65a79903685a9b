package dev.bantam.study.llamacpp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code llama-perplexity} printed: the line {@code Final estimate: PPL = 12.3456 +/- 0.12345}
 * (its printf formats, tools/perplexity/perplexity.cpp) and {@code calculating perplexity over N
 * chunks, n_ctx=C}. Its scored tokens are N·(C − 1 − C/2): the second half of each window, the
 * same positions Bantam's perplexity scores.
 */
public record PerplexityOutput(double ppl, double pplError, int chunks, int ctx) {
    private static final Pattern FINAL = Pattern.compile("Final estimate: PPL = ([0-9.eE+-]+|nan|inf) \\+/- ([0-9.eE+-]+|nan|inf)");
    private static final Pattern CHUNKS = Pattern.compile("calculating perplexity over (\\d+) chunks, n_ctx=(\\d+)");

    public int scoredTokens() { return chunks * (ctx - 1 - ctx / 2); }

    /** @throws IllegalStateException naming the last line of output when there is no final estimate */
    public static PerplexityOutput parse(String output) {
        Matcher f = FINAL.matcher(output), c = CHUNKS.matcher(output);
        if (!f.find()) {
            String last = output.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).map(String::strip).orElse("no output");
            throw new IllegalStateException("llama-perplexity printed no final estimate; its last line: " + last);
        }
        if (!c.find()) throw new IllegalStateException("llama-perplexity did not say how many chunks it scored");
        double ppl = Double.parseDouble(f.group(1)), err = Double.parseDouble(f.group(2));
        if (!Double.isFinite(ppl)) throw new IllegalStateException("llama-perplexity's PPL is " + f.group(1));
        return new PerplexityOutput(ppl, err, Integer.parseInt(c.group(1)), Integer.parseInt(c.group(2)));
    }
}
