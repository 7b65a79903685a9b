package dev.bantam.study.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamTriadTest {
    /** Small arrays (cache-resident): checks the arithmetic and the byte count, not the speed. */
    @Test
    void computesTheTriadAndCountsThreeArrays() {
        var r = StreamTriad.measure(2, 1 << 16, 2);
        assertThat(r.bestGBs()).isPositive();
        assertThat(r.totalBytes()).isEqualTo(3L * 4 * (1 << 16));
    }
}
