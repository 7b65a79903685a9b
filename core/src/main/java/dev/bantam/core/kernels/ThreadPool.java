package dev.bantam.core.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads for the forward pass's parallel loops. The caller always works too, and
 * every thread claims chunks of the range from a shared counter: a worker that wakes late (parked,
 * or descheduled on a busy machine) simply finds less left to do, so the loop never waits for a
 * thread that has not started. Workers spin briefly before parking because the forward pass hands
 * out hundreds of small loops per token and waking a parked thread costs more than most of them.
 */
public final class ThreadPool implements AutoCloseable {
    private static final int SPIN_ITERATIONS = 50_000;
    /**
     * Multiply-adds below which a loop runs on the calling thread: handing work to another thread
     * costs a few microseconds, about what this much arithmetic takes.
     */
    public static final long MIN_PARALLEL_WORK = 1 << 18;
    /**
     * A loop's smallest chunk is 1/(threads × this) of it. Chunks start large and shrink (guided
     * scheduling), so the last one claimed, which the other threads wait for, is this small.
     */
    private static final int MIN_CHUNKS_PER_THREAD = 32;

    private final int threads;
    private final Worker[] workers;
    private volatile Loop current;
    private volatile int generation;
    private volatile boolean closed;

    public ThreadPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    public int threads() { return threads; }

    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** As {@link #forRanges(int, RangeBody)}, on the calling thread alone when {@code work} (multiply-adds) is small. */
    public void forRanges(int n, long work, RangeBody body) {
        if (work < MIN_PARALLEL_WORK) {
            if (n > 0) body.run(0, n);
        } else {
            forRanges(n, body);
        }
    }

    /** Runs {@code body} over [0, n) in chunks spread across the pool; returns when all are done. */
    public synchronized void forRanges(int n, RangeBody body) {
        if (threads == 1 || n < 2) {
            if (n > 0) body.run(0, n);
            return;
        }
        Loop loop = new Loop(n, threads, body);
        current = loop;
        generation++;
        for (Worker w : workers) if (w.parked) LockSupport.unpark(w.thread);
        loop.work();
        while (loop.done.get() < n) Thread.onSpinWait();
        Throwable f = loop.failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
    }

    /**
     * One parallel loop: chunks are claimed from {@code next}, each a 1/(2 × threads) share of what
     * is left but at least {@code minChunk}; {@code done} counts finished items. With equal chunks
     * (a quarter of a thread's share each) a decode step's threads waited for one another 14% of
     * their time, on the last chunk of every product.
     */
    private static final class Loop {
        final int n, threads, minChunk;
        final RangeBody body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Loop(int n, int threads, RangeBody body) {
            this.n = n;
            this.threads = threads;
            this.minChunk = Math.max(1, n / (threads * MIN_CHUNKS_PER_THREAD));
            this.body = body;
        }

        /** Claims the next chunk, packed as end << 32 | start; -1 when none is left. */
        private long claim() {
            while (true) {
                int start = next.get();
                if (start >= n) return -1;
                int end = Math.min(n, start + Math.max(minChunk, (n - start) / (2 * threads)));
                if (next.compareAndSet(start, end)) return ((long) end << 32) | start;
            }
        }

        void work() {
            long claimed;
            while ((claimed = claim()) >= 0) {
                int start = (int) claimed, end = (int) (claimed >>> 32);
                try {
                    body.run(start, end);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.addAndGet(end - start);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
    }

    private final class Worker implements Runnable {
        final Thread thread;
        volatile boolean parked;

        Worker(int index) {
            this.thread = new Thread(this, "bantam-worker-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0;
            while (true) {
                int spins = 0;
                while (generation == seen && !closed) {
                    if (++spins < SPIN_ITERATIONS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (generation == seen && !closed) LockSupport.park(this);
                        parked = false;
                    }
                }
                if (closed) return;
                seen = generation;
                current.work();
            }
        }
    }
}
