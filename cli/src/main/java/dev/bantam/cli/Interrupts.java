package dev.bantam.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) handled by the program instead of ending it, so that it can stop a reply.
 * The JDK has no public API for signals; {@code sun.misc.Signal} lives in the {@code jdk.unsupported}
 * module, which JEP 260 keeps accessible for exactly such critical uses (JLine and Gradle use it
 * too). The compiler warns that it is internal; it is confined to this class.
 */
final class Interrupts implements AutoCloseable {
    private static final Signal INT = new Signal("INT");
    private final SignalHandler previous;

    private Interrupts(Runnable onInterrupt) {
        this.previous = Signal.handle(INT, signal -> onInterrupt.run());
    }

    /** Runs {@code onInterrupt} (on a signal thread) at each Ctrl-C until closed. */
    static Interrupts handle(Runnable onInterrupt) {
        return new Interrupts(onInterrupt);
    }

    @Override
    public void close() {
        Signal.handle(INT, previous);
    }
}
