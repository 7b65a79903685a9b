package dev.bantam.study.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * llama-bench's markdown table (model, size, params, backend, threads, test, t/s as avg ± sd,
 * with its column widths), then the environment and, with a roofline, one line per decode test.
 */
final class MarkdownPrinter implements ResultPrinter {
    private static final String[] NAMES = {"model", "size", "params", "backend", "threads", "test", "t/s"};
    /** Negative: left-aligned, as llama-bench's printf widths. */
    private static final int[] WIDTHS = {-30, 10, 10, -10, 7, 13, 20};

    private final PrintStream out;
    private final Environment env;
    private final List<TestResult> rooflines = new ArrayList<>();
    private final List<TestResult> all = new ArrayList<>();

    MarkdownPrinter(PrintStream out, Environment env) {
        this.out = out;
        this.env = env;
    }

    @Override
    public void header() {
        row(NAMES);
        StringBuilder sep = new StringBuilder("|");
        for (int w : WIDTHS) sep.append(' ').append("-".repeat(Math.abs(w) - 1)).append(w > 0 ? ':' : '-').append(" |");
        out.println(sep);
    }

    @Override
    public void result(TestResult r) {
        row(new String[] {
                r.model().type(),
                size(r.model().sizeBytes()),
                params(r.model().params()),
                r.backend(),
                Integer.toString(r.threads()),
                r.test().name(),
                String.format(Locale.ROOT, "%.2f ± %.2f", r.avgTs(), r.stddevTs())});
        if (r.roofline() != null) rooflines.add(r);
        all.add(r);
        out.flush();
    }

    @Override
    public void footer(List<StreamTriad.Result> triads) {
        out.println();
        out.printf("build: %s | cpu: %s (%d cores) | jvm: %s %s | vector: %d-bit | date: %s%n",
                env.buildCommit(), env.cpuInfo(), env.cores(), env.jvmVendor(), env.jvmVersion(), env.vectorBits(), env.date());
        out.printf("jvm flags: %s%n", env.jvmFlags().isEmpty() ? "(none)" : env.jvmFlags());
        for (StreamTriad.Result t : triads) {
            out.printf(Locale.ROOT, "memory bandwidth: %.2f GB/s (STREAM triad, %d threads, 3 × %d MiB float arrays, best of %d)%n",
                    t.bestGBs(), t.threads(), (long) t.floatsPerArray() * Float.BYTES >> 20, t.passes());
        }
        for (TestResult r : rooflines) {
            RooflineEstimate e = r.roofline();
            out.printf(Locale.ROOT, "roofline %s %s t=%d: %.2f MiB read per token (KV at %.1f positions) → bound %.2f t/s at %.2f GB/s; measured %.2f t/s = %.1f%% of bound%n",
                    r.model().type(), r.test().name(), r.threads(), e.bytesPerToken() / (1 << 20), e.kvPositions(),
                    e.boundTs(), e.bandwidthGBs(), r.avgTs(), e.percent());
        }
        for (PeerComparison c : PeerComparison.of(all)) {
            out.printf(Locale.ROOT, "vs %s: %s %s t=%d: %.2f ± %.2f vs %.2f ± %.2f t/s → ratio %.2f (bantam / peer, of means)%n",
                    c.peer().backend(), c.bantam().model().type(), c.bantam().test().name(), c.bantam().threads(),
                    c.bantam().avgTs(), c.bantam().stddevTs(), c.peer().avgTs(), c.peer().stddevTs(), c.ratio());
        }
        out.flush();
    }

    private void row(String[] values) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < values.length; i++) {
            int w = WIDTHS[i];
            String v = values[i];
            int pad = Math.max(0, Math.abs(w) - v.length());
            b.append(' ');
            if (w < 0) b.append(v).append(" ".repeat(pad));
            else b.append(" ".repeat(pad)).append(v);
            b.append(" |");
        }
        out.println(b);
    }

    static String size(long bytes) {
        return bytes < (1L << 30)
                ? String.format(Locale.ROOT, "%.2f MiB", bytes / 1024.0 / 1024.0)
                : String.format(Locale.ROOT, "%.2f GiB", bytes / 1024.0 / 1024.0 / 1024.0);
    }

    static String params(long n) {
        return n < 1_000_000_000L
                ? String.format(Locale.ROOT, "%.2f M", n / 1e6)
                : String.format(Locale.ROOT, "%.2f B", n / 1e9);
    }
}
