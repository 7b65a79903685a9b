package dev.bantam.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The per-request deadline ({@link ServerConfig#requestTimeout()}), counted from the request's
 * arrival so that time in the queue counts too. A handler takes its job's events through it: past
 * the deadline the job is cancelled (its slot is freed at the scheduler's next step) and the
 * handler gets a 504 in place of the next event.
 */
final class RequestDeadline {
    private final Duration timeout;

    RequestDeadline(Duration timeout) {
        this.timeout = timeout;
    }

    /** The job's next event, or a {@link GenerationEvent.Failed} with 504 once the deadline has passed. */
    GenerationEvent next(Job job) throws InterruptedException {
        if (timeout.isZero()) return job.events.take();
        GenerationEvent e;
        while ((e = poll(job, Long.MAX_VALUE)) == null) { }
        return e;
    }

    /**
     * The job's next event if one comes within {@code waitNanos}; null if none came and the
     * deadline has not passed (a non-streamed reply wakes up to write its heartbeat); the 504 once
     * it has.
     */
    GenerationEvent poll(Job job, long waitNanos) throws InterruptedException {
        if (timeout.isZero()) return job.events.poll(waitNanos, TimeUnit.NANOSECONDS);
        long left = job.arrivedNanos + timeout.toNanos() - System.nanoTime();
        GenerationEvent e = left > 0 ? job.events.poll(Math.min(left, waitNanos), TimeUnit.NANOSECONDS) : job.events.poll();
        if (e != null || left > waitNanos) return e;
        job.cancel();
        return new GenerationEvent.Failed(new ApiError(504, "server_error", null, "timeout",
                "the request ran past its deadline of " + seconds() + " (--request-timeout)"));
    }

    private String seconds() {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
