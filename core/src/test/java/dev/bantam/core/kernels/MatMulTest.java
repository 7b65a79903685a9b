package dev.bantam.core.kernels;

import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The tiled prefill product and the decode product against a plain triple loop, on awkward sizes. */
class MatMulTest {
    @ParameterizedTest
    @CsvSource({"F32,7,40,9", "F32,8,64,4", "F16,5,33,6", "BF16,13,96,1", "Q8_0,9,96,11", "Q8_0,64,256,70", "F32,3,17,130"})
    void matchesTheNaiveProduct(WeightType type, int rows, int cols, int tokens) {
        Random random = new Random(rows * 31L + cols);
        float[] weights = new float[rows * cols];
        for (int i = 0; i < weights.length; i++) weights[i] = (float) random.nextGaussian();
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        try (Arena arena = Arena.ofShared(); ThreadPool pool = new ThreadPool(2)) {
            var data = arena.allocate(type.bytesFor((long) rows * cols));
            Kernels.of(type).quantize(weights, 0, data, 0, rows * cols);
            TensorView w = new TensorView("w", type, new long[] {cols, rows}, data);
            float[] stored = Kernels.toFloatArray(w);

            float[] out = new float[tokens * rows];
            MatMul.matmul(pool, w, x, tokens, out);
            for (int t = 0; t < tokens; t++) {
                float[] single = new float[rows];
                MatMul.matvec(pool, w, x, t * cols, single, 0);
                for (int r = 0; r < rows; r++) {
                    double expected = 0;
                    for (int c = 0; c < cols; c++) expected += (double) stored[r * cols + c] * x[t * cols + c];
                    double tolerance = 1e-4 * Math.sqrt(cols) * 4;
                    assertThat((double) out[t * rows + r]).as("prefill t=%d r=%d", t, r).isCloseTo(expected, within(tolerance));
                    assertThat((double) single[r]).as("decode t=%d r=%d", t, r).isCloseTo(expected, within(tolerance));
                }
            }
        }
    }
}
