package dev.bantam.study.bench;

/**
 * The measured repetitions of one test on one model and thread count: raw nanoseconds per
 * repetition, from which tokens/s per repetition and their mean ± sd follow (llama-bench's
 * {@code avg_ts} is the mean of per-repetition t/s, not total tokens over total time).
 * {@code roofline} is null unless requested, and for tests other than {@code tgN}. {@code backend}
 * is {@link #BANTAM} or the peer that produced the line ({@link LlamaBenchPeer#BACKEND}).
 */
public record TestResult(String backend, ModelInfo model, int threads, BenchTest test, String testTime, long[] samplesNs,
                         RooflineEstimate roofline) {
    public static final String BANTAM = "bantam";


    /** tokens/s of each repetition: tokens · 1e9 / ns. */
    public double[] samplesTs() {
        double[] ts = new double[samplesNs.length];
        for (int i = 0; i < ts.length; i++) ts[i] = 1e9 * test.tokens() / samplesNs[i];
        return ts;
    }

    public double avgTs() { return Stats.mean(samplesTs()); }
    public double stddevTs() { return Stats.sampleSd(samplesTs()); }
    public double avgNs() { return Stats.mean(Stats.toDouble(samplesNs)); }
    public double stddevNs() { return Stats.sampleSd(Stats.toDouble(samplesNs)); }
}
