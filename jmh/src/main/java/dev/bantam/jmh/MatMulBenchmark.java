package dev.bantam.jmh;

import dev.bantam.core.kernels.MatMul;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * A 2048 × 2048 weight matrix of each weight type with kernels (the type's own quantize encodes
 * it): decode's matrix-vector product, and prefill's matrix product with 64 tokens.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatMulBenchmark {
    static final int N = 2048;
    static final int TOKENS = 64;

    /** Set by {@link BenchmarksMain} to every type with kernels. */
    @Param
    public WeightType type;

    @Param({"1"})
    public int threads;

    private Arena arena;
    private ThreadPool pool;
    private TensorView w;
    private float[] x, xs, out, outs;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        pool = new ThreadPool(threads);
        w = RandomData.matrix(arena, type, N, N, 1);
        x = RandomData.activations(N, 2);
        xs = RandomData.activations(N * TOKENS, 3);
        out = new float[N];
        outs = new float[N * TOKENS];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float[] matvec() {
        MatMul.matvec(pool, w, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] prefillMatmul64() {
        MatMul.matmul(pool, w, xs, TOKENS, outs);
        return outs;
    }
}
