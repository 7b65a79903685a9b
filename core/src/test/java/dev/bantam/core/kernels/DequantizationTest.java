package dev.bantam.core.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.testing.Fixtures;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tensor.TensorView;
import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Dequantization against llama.cpp's numpy reference (gguf-py): exact arithmetic, 1e-6 relative. */
class DequantizationTest {
    private static final String DIR = "tiny/llama-256/";

    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void firstRowsAndWholeTensorSumsMatchTheReference(String type) throws Exception {
        JsonNode ref = Fixtures.json(DIR + "dequant.json").get("types").get(type);
        float[] expectedRows = Fixtures.floats(Fixtures.path(DIR + ref.get("rows_0_3_file").asText()));
        try (GgufFile f = GgufFile.open(Fixtures.path(DIR + ref.get("file").asText()))) {
            TensorView t = f.tensor("blk.0.ffn_down.weight");
            assertThat(t.type()).isEqualTo(WeightType.valueOf(type));
            assertThat(new int[] {t.rows(), t.cols()}).containsExactly(ref.get("shape_rows_cols").get(0).asInt(), ref.get("shape_rows_cols").get(1).asInt());

            float[] row = new float[t.cols()];
            for (int r = 0; r < 4; r++) {
                Kernels.dequantizeRow(t, r, row);
                for (int c = 0; c < row.length; c++) {
                    float e = expectedRows[r * t.cols() + c];
                    assertThat(row[c]).as("row %d col %d", r, c).isCloseTo(e, within(Math.abs(e) * 1e-6f + 1e-30f));
                }
            }
            double sum = 0, absSum = 0;
            for (float v : Kernels.toFloatArray(t)) {
                sum += v;
                absSum += Math.abs(v);
            }
            assertThat(sum).isCloseTo(ref.get("sum").asDouble(), within(1e-6 * ref.get("abs_sum").asDouble()));
            assertThat(absSum).isCloseTo(ref.get("abs_sum").asDouble(), within(1e-6 * ref.get("abs_sum").asDouble()));
        }
    }
}
