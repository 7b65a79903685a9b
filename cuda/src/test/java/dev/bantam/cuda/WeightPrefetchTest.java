package dev.bantam.cuda;

import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CI: the byte ranges a layer's decode attention asks L2 for, on fake device addresses (no GPU). */
class WeightPrefetchTest {
    private static final long MB = 1 << 20;
    private static final int DIM = 2048, FFN = 8192;

    private static DeviceMatrix matrix(WeightType t, int rows, int cols, long q, long d) {
        return new DeviceMatrix(DeviceType.of(t).orElseThrow(), rows, cols, q, d);
    }

    /** A llama-1b layer of one type: o at 0x10000000, [gate; up] at 0x20000000 (scales + 0x08000000), down at 0x30000000. */
    private static DeviceModel.Layer layer(WeightType t, boolean split) {
        DeviceMatrix o = matrix(t, DIM, DIM, 0x1000_0000L, split ? 0x1800_0000L : 0);
        DeviceMatrix gateUp = matrix(t, 2 * FFN, DIM, 0x2000_0000L, split ? 0x2800_0000L : 0);
        DeviceMatrix down = matrix(t, DIM, FFN, 0x3000_0000L, split ? 0x3800_0000L : 0);
        var none = DeviceModel.Norm.NONE;
        return new DeviceModel.Layer(none, null, null, null, null, new DeviceModel.Linear(o, 0), none, null, null,
                new DeviceModel.Linear(gateUp, 0), new DeviceModel.Linear(down, 0), none, none, none, none);
    }

    @Test
    void theGatedEpilogueGetsTheWholeOMatrixThenGateAndUpRowsInPairs() {
        List<WeightPrefetch.Range> r = WeightPrefetch.afterAttention(layer(WeightType.BF16, false), true, 24 * MB);
        long row = 2L * DIM;  // bytes of a BF16 row
        long pairs = (24 * MB - DIM * row) / (2 * row);  // what is left after o, a gate row and its up row at a time
        assertThat(r).containsExactly(
                new WeightPrefetch.Range(0x1000_0000L, DIM * row),
                new WeightPrefetch.Range(0x2000_0000L, pairs * row),
                new WeightPrefetch.Range(0x2000_0000L + FFN * row, pairs * row));
    }

    @Test
    void otherProductsTakeTheirRowsInOrderAndTheDownMatrixWhenTheBudgetReachesIt() {
        long row = 2L * DIM;
        List<WeightPrefetch.Range> r = WeightPrefetch.afterAttention(layer(WeightType.BF16, false), false, 80 * MB);
        assertThat(r).containsExactly(
                new WeightPrefetch.Range(0x1000_0000L, DIM * row),
                new WeightPrefetch.Range(0x2000_0000L, 2L * FFN * row),
                new WeightPrefetch.Range(0x3000_0000L, 80 * MB - DIM * row - 2L * FFN * row));
    }

    @Test
    void aBudgetBelowTheOMatrixTakesItsFirstRowsOnly() {
        List<WeightPrefetch.Range> r = WeightPrefetch.afterAttention(layer(WeightType.BF16, false), true, 3 * MB);
        assertThat(r).containsExactly(new WeightPrefetch.Range(0x1000_0000L, 3 * MB));
        assertThat(WeightPrefetch.afterAttention(layer(WeightType.BF16, false), true, 0)).isEmpty();
    }

    /** Q8_0's split layout: each part of a matrix is its quants and their scales, and the table's six ranges are a limit. */
    @Test
    void splitTypesPrefetchQuantsAndScalesWithinTheTable() {
        List<WeightPrefetch.Range> r = WeightPrefetch.afterAttention(layer(WeightType.Q8_0, true), false, 1024 * MB);
        long qRow = DIM, dRow = 2L * DIM / 32;  // a byte a quant; an fp16 scale per 32
        assertThat(r).containsExactly(
                new WeightPrefetch.Range(0x1000_0000L, DIM * qRow), new WeightPrefetch.Range(0x1800_0000L, DIM * dRow),
                new WeightPrefetch.Range(0x2000_0000L, 2L * FFN * qRow), new WeightPrefetch.Range(0x2800_0000L, 2L * FFN * dRow),
                new WeightPrefetch.Range(0x3000_0000L, (long) DIM * FFN), new WeightPrefetch.Range(0x3800_0000L, 2L * DIM * FFN / 32));
        // paired rows of a split type take four ranges: with o's two the table is full, and down is left out
        assertThat(WeightPrefetch.afterAttention(layer(WeightType.Q8_0, true), true, 1024 * MB)).hasSize(WeightPrefetch.RANGES);
    }

    /** Q6_K rows of 2048 values are 1,792 bytes (padded), a multiple of 16; a partial row count still ends on a 16-byte boundary. */
    @Test
    void rangesAreSixteenByteAligned() {
        for (WeightType t : List.of(WeightType.Q6_K, WeightType.Q4_K, WeightType.Q5_K, WeightType.BF16)) {
            for (long budget : new long[] {MB / 3, 5 * MB, 17 * MB + 5, 40 * MB}) {
                for (WeightPrefetch.Range r : WeightPrefetch.afterAttention(layer(t, false), true, budget)) {
                    assertThat(r.at() % 16).as(t + " at").isZero();
                    assertThat(r.bytes() % 16).as(t + " bytes").isZero();
                    assertThat(r.bytes()).isPositive();
                }
            }
        }
    }
}
