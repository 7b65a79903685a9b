package dev.bantam.study;

import java.util.Locale;

/** Number formats of the reports (fixed, locale-independent, so a regenerated report is byte-identical). */
final class Fmt {
    private Fmt() {}

    /** Three to four significant digits: 12345.6 → "12346", 123.45 → "123.5", 1.2345 → "1.234", 0.01234 → "0.0123". */
    static String num(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "−∞";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.3f", v);
        if (a == 0) return "0";
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String num(Double v) { return v == null ? "n/a" : num(v.doubleValue()); }

    static String pct(Double v) { return v == null ? "n/a" : String.format(Locale.ROOT, "%+.3f%%", v); }

    static String p(Double v) {
        if (v == null) return "n/a";
        return v < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", v);
    }
}
