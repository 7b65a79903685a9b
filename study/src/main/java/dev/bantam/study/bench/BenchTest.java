package dev.bantam.study.bench;

/**
 * One llama-bench test: {@code nPrompt} prompt tokens prefilled in one batch, then {@code nGen}
 * single-token decode steps, always from an empty cache. {@code ppN} has no generation,
 * {@code tgN} no prompt, and {@code ppP+tgG} (llama-bench's {@code -pg P,G}) both; its speed is
 * counted over all P + G tokens.
 */
public record BenchTest(int nPrompt, int nGen) {
    public BenchTest {
        if (nPrompt < 0 || nGen < 0 || nPrompt + nGen == 0) {
            throw new IllegalArgumentException("a test needs prompt or generated tokens, got pp=%d tg=%d".formatted(nPrompt, nGen));
        }
    }

    public static BenchTest prompt(int n) { return new BenchTest(n, 0); }
    public static BenchTest generation(int n) { return new BenchTest(0, n); }

    /** Tokens the speed is computed over. */
    public int tokens() { return nPrompt + nGen; }

    /** The KV-cache positions the test needs. */
    public int contextSize() { return nPrompt + nGen; }

    public boolean isGeneration() { return nPrompt == 0; }

    /** llama-bench's name: {@code pp512}, {@code tg128} or {@code pp512+tg128}. */
    public String name() {
        if (nGen == 0) return "pp" + nPrompt;
        if (nPrompt == 0) return "tg" + nGen;
        return "pp" + nPrompt + "+tg" + nGen;
    }

    /**
     * The average number of cached positions each decode step reads, for a {@code tgN} test from
     * an empty cache: step i (0-based) attends over positions 0..i, so the mean is (N + 1) / 2.
     */
    public double averageKvPositions() {
        return nPrompt + (nGen + 1) / 2.0;
    }
}
