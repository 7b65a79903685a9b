package dev.bantam.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request between its HTTP handler and the scheduler: the handler waits on {@link #events},
 * and sets {@link #cancel()} when its client goes away; the scheduler drops a cancelled job at its
 * next step and frees the slot.
 */
final class Job {
    final GenerationRequest request;
    final BlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    final long arrivedNanos = System.nanoTime();
    private volatile long cancelledNanos;

    Job(GenerationRequest request) {
        this.request = request;
    }

    void cancel() {
        if (cancelledNanos == 0) cancelledNanos = System.nanoTime();
    }

    boolean cancelled() { return cancelledNanos != 0; }

    /** When {@link #cancel()} was first called (System.nanoTime), 0 if never. */
    long cancelledNanos() { return cancelledNanos; }

    void emit(GenerationEvent e) { events.add(e); }
}
