package dev.bantam.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** The server's counters, gauges and latency histograms, written in Prometheus' text format for {@code GET /metrics}. */
final class Metrics {
    private static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final Map<Integer, AtomicLong> requestsByStatus = new TreeMap<>();
    private final AtomicLong promptTokens = new AtomicLong(), reusedTokens = new AtomicLong(), generatedTokens = new AtomicLong(),
            decodeSteps = new AtomicLong(), decodedSequences = new AtomicLong();
    private volatile long queueDepth, busySlots, kvUsed, kvCapacity;
    private final Histogram ttft = new Histogram(), interToken = new Histogram(), endToEnd = new Histogram(), cancelFree = new Histogram();

    synchronized void request(int status) {
        requestsByStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
    }

    void promptTokens(int n, int reused) { promptTokens.addAndGet(n); reusedTokens.addAndGet(reused); }
    void generatedTokens(int n) { generatedTokens.addAndGet(n); }
    /** One batched decode step over {@code sequences} slots. */
    void decodeStep(int sequences) { decodeSteps.incrementAndGet(); decodedSequences.addAndGet(sequences); }
    void queueDepth(int n) { queueDepth = n; }
    void slots(int busy, long kvUsedPositions, long kvCapacityPositions) { busySlots = busy; kvUsed = kvUsedPositions; kvCapacity = kvCapacityPositions; }
    void ttft(long nanos) { ttft.observe(nanos); }
    void interToken(long nanos) { interToken.observe(nanos); }
    void endToEnd(long nanos) { endToEnd.observe(nanos); }
    void cancelFreed(long nanos) { cancelFree.observe(nanos); }

    long busySlots() { return busySlots; }

    synchronized String text() {
        StringBuilder b = new StringBuilder();
        b.append("# HELP bantam_requests_total HTTP requests answered, by status code.\n# TYPE bantam_requests_total counter\n");
        requestsByStatus.forEach((s, n) -> b.append("bantam_requests_total{status=\"").append(s).append("\"} ").append(n.get()).append('\n'));
        counter(b, "bantam_prompt_tokens_total", "Prompt tokens of admitted requests (cached ones included).", promptTokens.get());
        counter(b, "bantam_prompt_tokens_reused_total", "Prompt tokens taken from a slot's cached prefix instead of computed.", reusedTokens.get());
        counter(b, "bantam_generated_tokens_total", "Tokens generated.", generatedTokens.get());
        counter(b, "bantam_decode_steps_total", "Batched decode steps run.", decodeSteps.get());
        counter(b, "bantam_decode_sequences_total", "Slots decoded, summed over steps (divided by the steps: the mean batch).", decodedSequences.get());
        gauge(b, "bantam_queue_depth", "Requests waiting for a slot.", queueDepth);
        gauge(b, "bantam_busy_slots", "Slots generating a reply.", busySlots);
        gauge(b, "bantam_kv_cache_used_positions", "KV-cache positions held by busy slots.", kvUsed);
        gauge(b, "bantam_kv_cache_capacity_positions", "KV-cache positions of all slots.", kvCapacity);
        ttft.write(b, "bantam_time_to_first_token_seconds", "From the request's arrival to its first token.");
        interToken.write(b, "bantam_inter_token_seconds", "Between consecutive tokens of one reply.");
        endToEnd.write(b, "bantam_request_duration_seconds", "From the request's arrival to its last token.");
        cancelFree.write(b, "bantam_cancel_to_free_seconds", "From a client's disconnect being seen to its slot being freed.");
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(v).append('\n');
    }

    /** Cumulative buckets over {@link #SECONDS}, with sum and count. */
    private static final class Histogram {
        private final AtomicLongArray buckets = new AtomicLongArray(SECONDS.length);
        private final AtomicLong count = new AtomicLong(), sumNanos = new AtomicLong();

        void observe(long nanos) {
            double s = nanos / 1e9;
            for (int i = 0; i < SECONDS.length; i++) if (s <= SECONDS[i]) buckets.incrementAndGet(i);
            count.incrementAndGet();
            sumNanos.addAndGet(nanos);
        }

        void write(StringBuilder b, String name, String help) {
            b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" histogram\n");
            for (int i = 0; i < SECONDS.length; i++) b.append(name).append("_bucket{le=\"").append(SECONDS[i]).append("\"} ").append(buckets.get(i)).append('\n');
            b.append(name).append("_bucket{le=\"+Inf\"} ").append(count.get()).append('\n');
            b.append(name).append("_sum ").append(sumNanos.get() / 1e9).append('\n');
            b.append(name).append("_count ").append(count.get()).append('\n');
        }
    }
}
