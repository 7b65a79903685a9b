package dev.bantam.server;

import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.SlotSession;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Continuous batching. One thread owns the {@link SlotSession}: it admits queued requests into
 * free slots (reusing the longest cached prefix among them, prefilling the rest), then runs one
 * decode step for every active slot together, samples per request, and frees a slot the moment its
 * request ends or is cancelled. The engine sees only slots and tokens.
 */
final class Scheduler implements AutoCloseable {
    private final SlotSession slots;
    private final ArrayBlockingQueue<Job> queue;
    private final Metrics metrics;
    private final Generation[] active;
    /** The tokens in each slot's cache: what a later request may reuse. */
    private final int[][] cached;
    private final int[] pending;
    private final Thread thread;
    private volatile boolean running = true;

    Scheduler(SlotSession slots, int queueLength, Metrics metrics) {
        this.slots = slots;
        this.queue = new ArrayBlockingQueue<>(queueLength);
        this.metrics = metrics;
        this.active = new Generation[slots.slots()];
        this.cached = new int[slots.slots()][slots.contextSize()];
        this.pending = new int[slots.slots()];
        this.thread = Thread.ofPlatform().name("bantam-scheduler").daemon(true).start(this::run);
    }

    /** Queues a job; false when the queue is full. */
    boolean submit(Job job) {
        boolean ok = queue.offer(job);
        metrics.queueDepth(queue.size());
        return ok;
    }

    int contextSize() { return slots.contextSize(); }

    private void run() {
        while (running) {
            try {
                admit();
                if (!decodeStep()) {
                    // the gauges first: a slot freed by this step must not read busy while the scheduler idles
                    publishSlots();
                    Job next = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (next != null) start(next);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // a failure of the engine fails the requests in flight, never the server
                for (int s = 0; s < active.length; s++) if (active[s] != null) finish(s, new GenerationEvent.Failed(
                        new ApiError(500, "server_error", null, null, "generation failed: " + t)));
            }
            publishSlots();
        }
    }

    private void publishSlots() {
        metrics.slots(busy(), kvPositions(), (long) slots.slots() * slots.contextSize());
    }

    private void admit() {
        while (freeSlot(null) >= 0) {
            Job job = queue.poll();
            if (job == null) break;
            start(job);
        }
        metrics.queueDepth(queue.size());
    }

    private void start(Job job) {
        if (job.cancelled()) return;
        int[] prompt = job.request.prompt();
        int slot = freeSlot(prompt);
        if (prompt.length >= slots.contextSize()) {
            job.emit(new GenerationEvent.Failed(ApiError.invalid("messages", "the prompt has %d tokens but the context holds %d".formatted(prompt.length, slots.contextSize()))));
            return;
        }
        // at least the last prompt token is computed: its logits give the first reply token
        int reused = Math.min(commonPrefix(slot, prompt), prompt.length - 1);
        slots.truncate(slot, reused);
        float[] logits;
        try {
            logits = slots.prefill(slot, java.util.Arrays.copyOfRange(prompt, reused, prompt.length));
        } catch (RuntimeException e) {
            slots.free(slot);
            job.emit(new GenerationEvent.Failed(new ApiError(500, "server_error", null, null, "prefill failed: " + e.getMessage())));
            return;
        }
        System.arraycopy(prompt, 0, cached[slot], 0, prompt.length);
        Generation g = new Generation(job, slot, reused, slots.tokenizer());
        active[slot] = g;
        metrics.promptTokens(prompt.length, reused);
        long now = System.nanoTime();
        metrics.ttft(now - job.arrivedNanos);
        g.lastTokenNanos = now;
        advance(slot, g.step(logits, slots.contextSize() - slots.length(slot) - 1));
    }

    /** One batched decode step of every active slot; false when none is active. */
    private boolean decodeStep() {
        List<Integer> run = new ArrayList<>();
        for (int s = 0; s < active.length; s++) {
            if (active[s] == null) continue;
            if (active[s].job.cancelled()) {
                metrics.cancelFreed(System.nanoTime() - active[s].job.cancelledNanos());
                finish(s, null);
            } else run.add(s);
        }
        if (run.isEmpty()) return false;
        int[] ids = run.stream().mapToInt(Integer::intValue).toArray();
        int[] tokens = new int[ids.length];
        for (int i = 0; i < ids.length; i++) tokens[i] = pending[ids[i]];
        Logits logits = slots.decode(ids, tokens);
        metrics.decodeStep(ids.length);
        long now = System.nanoTime();
        for (int i = 0; i < ids.length; i++) {
            int s = ids[i];
            cached[s][slots.length(s) - 1] = tokens[i];
            Generation g = active[s];
            metrics.interToken(now - g.lastTokenNanos);
            g.lastTokenNanos = now;
            advance(s, g.step(logits.row(i), slots.contextSize() - slots.length(s) - 1));
        }
        return true;
    }

    private void advance(int slot, int next) {
        if (next >= 0) {
            pending[slot] = next;
            return;
        }
        Generation g = active[slot];
        metrics.generatedTokens(g.generated());
        metrics.endToEnd(System.nanoTime() - g.job.arrivedNanos);
        active[slot] = null;
    }

    /** Frees a slot; its cache stays for a later request's prefix. */
    private void finish(int slot, GenerationEvent event) {
        Generation g = active[slot];
        active[slot] = null;
        if (event != null) g.job.emit(event);
        metrics.generatedTokens(g.generated());
    }

    /** A free slot, preferring the one whose cache shares the longest prefix with {@code prompt}; -1 when all are busy. */
    private int freeSlot(int[] prompt) {
        int best = -1, bestShared = -1;
        for (int s = 0; s < active.length; s++) {
            if (active[s] != null) continue;
            int shared = prompt == null ? 0 : commonPrefix(s, prompt);
            if (shared > bestShared) { best = s; bestShared = shared; }
        }
        return best;
    }

    private int commonPrefix(int slot, int[] prompt) {
        int n = Math.min(slots.length(slot), prompt.length), i = 0;
        while (i < n && cached[slot][i] == prompt[i]) i++;
        return i;
    }

    private int busy() {
        int n = 0;
        for (Generation g : active) if (g != null) n++;
        return n;
    }

    private long kvPositions() {
        long n = 0;
        for (int s = 0; s < active.length; s++) if (active[s] != null) n += slots.length(s);
        return n;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        slots.close();
    }
}
