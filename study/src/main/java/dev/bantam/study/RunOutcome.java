package dev.bantam.study;

/**
 * What a worker measured in one run, before the parent adds who and what it was. Timing fields
 * are raw nanoseconds from {@code System.nanoTime()} around the backend calls only; a failed
 * run carries its error and nothing else.
 *
 * <p>{@code stepNs} are the individual decode steps (for a server: the gaps between streamed
 * chunks); {@code decodeNs} is the decode phase's time and {@code decodeTokens} the tokens it
 * produced over the whole batch. In-process they are Σ stepNs and batch × steps.
 */
public record RunOutcome(Status status, String error,
                         Long prefillNs, Long sampleNs, long[] stepNs, Long decodeNs, Long decodeTokens,
                         Long rssBytes, Long peakRssBytes, Long deviceBytes,
                         Integer scoredTokens, double[] nll, double[] kl, Integer sameTop, Double maxAbsDlogit,
                         Double ppl, Double pplError) {

    public enum Status { OK, FAILED, TIMEOUT }

    public static RunOutcome failed(Status status, String error) {
        return new RunOutcome(status, error, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** An in-process run; {@code deviceBytes} < 0 when the backend holds no accelerator memory. */
    public static RunOutcome speed(long prefillNs, long sampleNs, long[] stepNs, int batch, long deviceBytes) {
        long decode = 0;
        for (long s : stepNs) decode += s;
        return new RunOutcome(Status.OK, null, prefillNs, sampleNs, stepNs, decode, (long) batch * stepNs.length,
                ProcessMemory.rss(), ProcessMemory.peakRss(), deviceBytes < 0 ? null : deviceBytes, null, null, null, null, null, null, null);
    }

    public static RunOutcome served(long prefillNs, long sampleNs, long[] stepNs, long decodeNs, long decodeTokens) {
        return new RunOutcome(Status.OK, null, prefillNs, sampleNs, stepNs, decodeNs, decodeTokens,
                ProcessMemory.rss(), ProcessMemory.peakRss(), null, null, null, null, null, null, null, null);
    }

    public static RunOutcome accuracy(double[] nll, double[] kl, int sameTop, double maxAbsDlogit) {
        return new RunOutcome(Status.OK, null, null, null, null, null, null, ProcessMemory.rss(), ProcessMemory.peakRss(), null,
                nll.length, nll, kl, sameTop, maxAbsDlogit, null, null);
    }

    /**
     * Perplexity as a backend's own tool reported it (llama-perplexity): no per-token values, so
     * KL divergence and top-1 agreement are not measured; {@code scoredTokens} as that tool counts them.
     */
    public static RunOutcome reportedPerplexity(double ppl, double pplError, int scoredTokens, Long rssBytes) {
        return new RunOutcome(Status.OK, null, null, null, null, null, null, rssBytes, null, null,
                scoredTokens, null, null, null, null, ppl, pplError);
    }
}
