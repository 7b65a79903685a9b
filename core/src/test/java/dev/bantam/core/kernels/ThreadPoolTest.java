package dev.bantam.core.kernels;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThreadPoolTest {
    /** Guided chunks shrink as the loop drains: every index must still run exactly once, whatever n and threads. */
    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 3, 8}) {
            try (ThreadPool pool = new ThreadPool(threads)) {
                for (int n : new int[] {0, 1, 2, 7, 63, 64, 65, 1000, 128_256}) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(n, 1));
                    pool.forRanges(n, (start, end) -> {
                        assertThat(start).isLessThan(end);
                        for (int i = start; i < end; i++) runs.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertThat(runs.get(i)).as("index %d of %d, %d threads", i, n, threads).isEqualTo(1);
                }
            }
        }
    }

    /** Chunks shrink from a quarter of the loop (two threads) to 1/64 of it: more than the eight equal chunks this pool used to cut, and the last one small. */
    @Test
    void theLastChunksAreSmall() {
        try (ThreadPool pool = new ThreadPool(2)) {
            int n = 2048;
            AtomicIntegerArray sizeAt = new AtomicIntegerArray(n);
            pool.forRanges(n, (start, end) -> sizeAt.set(start, end - start));
            int chunks = 0, largest = 0, last = 0;
            for (int i = 0; i < n; i++) {
                int size = sizeAt.get(i);
                if (size == 0) continue;
                chunks++;
                largest = Math.max(largest, size);
                last = size;
            }
            assertThat(largest).isEqualTo(n / 4);
            assertThat(last).isLessThanOrEqualTo(n / 64);
            assertThat(chunks).isGreaterThan(2 * 4);
        }
    }

    @Test
    void aFailingBodyFailsTheLoop() {
        try (ThreadPool pool = new ThreadPool(2)) {
            assertThatThrownBy(() -> pool.forRanges(100, (start, end) -> {
                if (start <= 50 && 50 < end) throw new IllegalStateException("row 50");
            })).isInstanceOf(IllegalStateException.class).hasMessage("row 50");
        }
    }
}
