package dev.bantam.core.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of threads that run one task at a time, each thread taking its own index. Workers
 * spin briefly before parking because the forward pass hands them hundreds of small tasks per
 * token: waking a parked thread costs more than most of those tasks take.
 */
public final class ThreadPool implements AutoCloseable {
    private static final int SPIN_ITERATIONS = 20_000;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile IntConsumer task;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Throwable failure;

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

    /** Runs {@code body.accept(t)} for every t in [0, threads) and returns when all are done. */
    public synchronized void run(IntConsumer body) {
        if (threads == 1) {
            body.accept(0);
            return;
        }
        failure = null;
        task = body;
        pending.set(threads - 1);
        generation++;
        for (Worker w : workers) if (w.parked) LockSupport.unpark(w.thread);
        try {
            body.accept(0);
        } finally {
            while (pending.get() != 0) Thread.onSpinWait();
        }
        Throwable f = failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
    }

    /** Splits [0, n) into one contiguous range per thread and runs {@code range(start, end)} on each. */
    public void forRanges(int n, RangeBody range) {
        if (threads == 1 || n < 2) {
            range.run(0, n);
            return;
        }
        run(t -> {
            int start = (int) ((long) n * t / threads);
            int end = (int) ((long) n * (t + 1) / threads);
            if (start < end) range.run(start, end);
        });
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        volatile boolean parked;

        Worker(int index) {
            this.index = index;
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
                try {
                    task.accept(index);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
