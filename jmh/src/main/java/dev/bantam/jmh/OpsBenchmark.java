package dev.bantam.jmh;

import dev.bantam.core.kernels.FloatOps;
import dev.bantam.core.kernels.Ops;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The float32 operations around the matrix products: one head's attention over {@code positions}
 * cached keys and values (head size 128: the dots of q with every key, then the weighted sum of
 * values), RMSNorm of a 2048-wide vector, and softmax over {@code positions} scores.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OpsBenchmark {
    static final int HEAD = 128;
    static final int DIM = 2048;

    @Param({"512"})
    public int positions;

    private float[] q, keys, values, scores, out, x, w, normed;

    @Setup
    public void setUp() {
        q = RandomData.activations(HEAD, 1);
        keys = RandomData.activations(HEAD * positions, 2);
        values = RandomData.activations(HEAD * positions, 3);
        scores = RandomData.activations(positions, 4);
        out = new float[HEAD];
        x = RandomData.activations(DIM, 5);
        w = RandomData.activations(DIM, 6);
        normed = new float[DIM];
    }

    @Benchmark
    public float[] attentionDots() {
        for (int p = 0; p < positions; p++) scores[p] = FloatOps.dot(q, 0, keys, p * HEAD, HEAD);
        return scores;
    }

    @Benchmark
    public float[] attentionValues() {
        java.util.Arrays.fill(out, 0);
        for (int p = 0; p < positions; p++) FloatOps.axpy(scores[p], values, p * HEAD, out, 0, HEAD);
        return out;
    }

    @Benchmark
    public float[] rmsNorm() {
        Ops.rmsNorm(x, 0, w, 1e-5f, normed, 0, DIM);
        return normed;
    }

    @Benchmark
    public float[] softmax() {
        Ops.softmax(scores, 0, positions);
        return scores;
    }
}
