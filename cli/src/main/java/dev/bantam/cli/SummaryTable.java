package dev.bantam.cli;

import dev.bantam.study.StudySummary;

import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.Locale;

/** The study's closing table on stdout: per model and variant, the accuracy result and the median speeds of the first scenario. */
final class SummaryTable {
    private SummaryTable() {}

    static void print(StudySummary s, PrintStream out) {
        String scenario = s.representativeScenario();
        out.printf(Locale.ROOT, "%-18s %-16s %-8s %10s %9s %14s %14s %s%n", "model", "variant", "gate", "PPL", "Δppl %",
                "prefill tok/s", "decode tok/s", "(medians, " + scenario + ")");
        var keys = new LinkedHashSet<String>();
        s.accuracy().forEach(a -> keys.add(a.model() + "\u0000" + a.variant()));
        s.groups().forEach(g -> keys.add(g.model() + "\u0000" + g.variant()));
        for (String key : keys) {
            String[] mv = key.split("\u0000");
            var acc = s.accuracy().stream().filter(a -> a.model().equals(mv[0]) && a.variant().equals(mv[1])).findFirst();
            out.printf(Locale.ROOT, "%-18s %-16s %-8s %10s %9s %14s %14s%n", mv[0], mv[1],
                    acc.map(StudySummary.AccuracyRow::gate).orElse("-"),
                    acc.map(a -> a.ppl() == null ? "no data" : String.format(Locale.ROOT, "%.4f", a.ppl())).orElse("-"),
                    acc.map(a -> a.deltaPplPercent() == null ? "-" : String.format(Locale.ROOT, "%+.3f", a.deltaPplPercent())).orElse("-"),
                    median(s, mv, scenario, "prefill"), median(s, mv, scenario, "decode"));
        }
    }

    private static String median(StudySummary s, String[] mv, String scenario, String phase) {
        return s.groups().stream().filter(g -> g.model().equals(mv[0]) && g.variant().equals(mv[1]) && g.scenario().equals(scenario) && g.phase().equals(phase))
                .findFirst().map(g -> g.tokS() == null ? "no data (" + (g.nFailed() + g.nTimeout()) + " failed)" : String.format(Locale.ROOT, "%.1f", g.tokS().median()))
                .orElse("-");
    }
}
