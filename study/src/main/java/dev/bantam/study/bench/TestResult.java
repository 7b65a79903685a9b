package dev.bantam.study.bench;

import dev.bantam.study.Statistics;

import java.util.Arrays;

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

    public double avgTs() { return Statistics.meanOrZero(samplesTs()); }
    public double stddevTs() { return Statistics.sdOrZero(samplesTs()); }
    public double avgNs() { return Statistics.meanOrZero(samplesNsAsDouble()); }
    public double stddevNs() { return Statistics.sdOrZero(samplesNsAsDouble()); }

    private double[] samplesNsAsDouble() {
        return Arrays.stream(samplesNs).asDoubleStream().toArray();
    }
}
