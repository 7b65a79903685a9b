package dev.bantam.chat.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.Node;

/**
 * The state of one render on this thread: how much work it may still do and the message of a
 * {@code raise_exception}. jinjava calls {@link #beforeNode} before every node it renders, so a
 * template that loops without end (nested {@code range} loops print nothing, so the output limit
 * never trips) stops after a fixed number of nodes or a deadline, whichever comes first.
 */
final class TemplateRun {
    private static final ThreadLocal<TemplateRun> CURRENT = new ThreadLocal<>();

    /** Thrown when a render exceeds its budget; jinjava passes it through as the node's failure. */
    static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded(String message) {
            super(message, null, false, false);
        }
    }

    private final TemplateLimits limits;
    private final long deadline;
    private long nodes;
    private String raised;
    private String exceeded;

    private TemplateRun(TemplateLimits limits) {
        this.limits = limits;
        this.deadline = System.nanoTime() + limits.maxRenderTime().toNanos();
    }

    static TemplateRun start(TemplateLimits limits) {
        TemplateRun run = new TemplateRun(limits);
        CURRENT.set(run);
        return run;
    }

    static TemplateRun current() {
        TemplateRun run = CURRENT.get();
        if (run == null) throw new IllegalStateException("no template is being rendered on this thread");
        return run;
    }

    void end() {
        CURRENT.remove();
    }

    static void beforeNode(Node node, JinjavaInterpreter interpreter) {
        TemplateRun run = CURRENT.get();
        if (run != null) run.step();
    }

    private void step() {
        if (exceeded != null) throw new BudgetExceeded(exceeded);
        if (++nodes > limits.maxNodes()) {
            exceeded = "the template did more than " + limits.maxNodes() + " steps (a loop without end?)";
        } else if (System.nanoTime() > deadline) {
            exceeded = "the template ran longer than " + limits.maxRenderTime().toMillis() + " ms";
        }
        if (exceeded != null) throw new BudgetExceeded(exceeded);
    }

    void raised(String message) {
        if (raised == null) raised = message;
    }

    String raised() { return raised; }

    String exceeded() { return exceeded; }
}
