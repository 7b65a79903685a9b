package dev.bantam.core.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FastExpTest {
    @Test
    void matchesMathExpOverTheSoftmaxRange() {
        float[] x = new float[Vec.L], y = new float[Vec.L];
        double worst = 0;
        for (int i = 0; i <= 200_000; i += Vec.L) {
            for (int j = 0; j < Vec.L; j++) x[j] = -(i + j) * 1e-3f;  // 0 … -200
            FastExp.ofNonPositive(FloatVector.fromArray(Vec.F, x, 0)).intoArray(y, 0);
            for (int j = 0; j < Vec.L; j++) {
                double expected = Math.exp(x[j]);
                // weights that matter in a softmax are near 1; far below, float rounding of x·log₂e dominates
                if (x[j] >= -10) worst = Math.max(worst, Math.abs(y[j] - expected) / expected);
                else if (x[j] >= -87) assertThat(Math.abs(y[j] - expected) / expected).isLessThan(1e-5);
                else assertThat(y[j]).isBetween(0f, 2e-38f);
            }
        }
        assertThat(worst).isLessThan(1e-6);
    }
}
