package dev.bantam.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small self-contained SVG charts (no scripts, no external fonts) for the reports: grouped
 * bars, lines over a numeric x axis, and a labelled scatter. Missing values (no OK runs) are
 * left out and said so in the legend, never drawn as zero.
 */
public final class SvgChart {
    private SvgChart() {}

    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 760, H = 360, LEFT = 70, RIGHT = 190, TOP = 40, BOTTOM = 60;

    /** One named series; {@code values[i]} belongs to category or point i, null where there is no data. */
    public record Series(String name, Double[] values) {}

    public static String bars(String title, String yLabel, List<String> categories, List<Series> series) {
        double max = maxOf(series);
        var sb = frame(title, yLabel, max);
        int plotW = W - LEFT - RIGHT, n = Math.max(1, categories.size()), k = Math.max(1, series.size());
        double slot = plotW / (double) n, bar = slot * 0.8 / k;
        for (int c = 0; c < categories.size(); c++) {
            double x0 = LEFT + c * slot + slot * 0.1;
            for (int s = 0; s < series.size(); s++) {
                Double v = series.get(s).values()[c];
                if (v == null) continue;
                double h = y(0, max) - y(v, max);
                sb.append(rect(x0 + s * bar, y(v, max), bar * 0.92, h, PALETTE[s % PALETTE.length], series.get(s).name() + " " + categories.get(c) + ": " + fmt(v)));
            }
            sb.append(text(LEFT + c * slot + slot / 2, H - BOTTOM + 16, categories.get(c), "middle", 11));
        }
        legend(sb, series);
        return sb.append("</svg>\n").toString();
    }

    public static String lines(String title, String xLabel, String yLabel, double[] xs, List<Series> series) {
        double max = maxOf(series), xMax = 0;
        for (double x : xs) xMax = Math.max(xMax, x);
        var sb = frame(title, yLabel, max);
        int plotW = W - LEFT - RIGHT;
        for (double x : xs) {
            double px = LEFT + x / xMax * plotW;
            sb.append(text(px, H - BOTTOM + 16, x == Math.rint(x) ? Long.toString((long) x) : fmt(x), "middle", 11));
        }
        sb.append(text(LEFT + plotW / 2.0, H - BOTTOM + 36, xLabel, "middle", 12));
        for (int s = 0; s < series.size(); s++) {
            String color = PALETTE[s % PALETTE.length];
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < xs.length; i++) {
                Double v = series.get(s).values()[i];
                if (v == null) continue;
                double px = LEFT + xs[i] / xMax * plotW, py = y(v, max);
                path.append(path.isEmpty() ? "M" : " L").append(f(px)).append(' ').append(f(py));
                sb.append("<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"><title>%s</title></circle>\n"
                        .formatted(f(px), f(py), color, esc(series.get(s).name() + " at " + fmt(xs[i]) + ": " + fmt(v))));
            }
            if (!path.isEmpty()) sb.append("<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n".formatted(path, color));
        }
        legend(sb, series);
        return sb.append("</svg>\n").toString();
    }

    /** One point per label at (x, y); points with a null coordinate are listed as "no data". */
    public static String scatter(String title, String xLabel, String yLabel, List<String> labels, Double[] xs, Double[] ys) {
        double xMax = 0, yMin = 0, yMax = 0;
        for (int i = 0; i < labels.size(); i++) {
            if (xs[i] == null || ys[i] == null) continue;
            xMax = Math.max(xMax, xs[i]);
            yMin = Math.min(yMin, ys[i]);
            yMax = Math.max(yMax, ys[i]);
        }
        if (xMax == 0) xMax = 1;
        if (yMax == yMin) yMax = yMin + 1;
        var sb = new StringBuilder(header(title));
        int plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
        double lo = yMin, hi = yMax;
        axes(sb, yLabel, i -> lo + (hi - lo) * i / 4.0);
        sb.append(text(LEFT + plotW / 2.0, H - BOTTOM + 36, xLabel, "middle", 12));
        for (int t = 0; t <= 4; t++) sb.append(text(LEFT + plotW * t / 4.0, H - BOTTOM + 16, fmt(xMax * t / 4), "middle", 11));
        List<Series> legendItems = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            boolean has = xs[i] != null && ys[i] != null;
            legendItems.add(new Series(labels.get(i), new Double[]{has ? 1.0 : null}));
            if (!has) continue;
            double px = LEFT + xs[i] / xMax * plotW, py = TOP + plotH - (ys[i] - lo) / (hi - lo) * plotH;
            sb.append("<circle cx=\"%s\" cy=\"%s\" r=\"5\" fill=\"%s\"><title>%s</title></circle>\n".formatted(f(px), f(py),
                    PALETTE[i % PALETTE.length], esc(labels.get(i) + ": " + fmt(xs[i]) + ", " + fmt(ys[i]))));
        }
        legend(sb, legendItems);
        return sb.append("</svg>\n").toString();
    }

    private static StringBuilder frame(String title, String yLabel, double max) {
        var sb = new StringBuilder(header(title));
        axes(sb, yLabel, i -> max * i / 4.0);
        return sb;
    }

    private static String header(String title) {
        return ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
                + "<title>%s</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n").formatted(W, H, W, H, esc(title))
                + text(W / 2.0, 22, title, "middle", 14);
    }

    private static void axes(StringBuilder sb, String yLabel, java.util.function.IntToDoubleFunction tick) {
        int plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double py = TOP + plotH - plotH * i / 4.0;
            sb.append("<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#ddd\"/>\n".formatted(LEFT, f(py), LEFT + plotW, f(py)));
            sb.append(text(LEFT - 6, py + 4, fmt(tick.applyAsDouble(i)), "end", 11));
        }
        sb.append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n".formatted(LEFT, TOP, LEFT, TOP + plotH));
        sb.append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n".formatted(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        sb.append("<text x=\"16\" y=\"%s\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 %s)\">%s</text>\n"
                .formatted(f(TOP + plotH / 2.0), f(TOP + plotH / 2.0), esc(yLabel)));
    }

    private static void legend(StringBuilder sb, List<Series> series) {
        for (int s = 0; s < series.size(); s++) {
            double y = TOP + 6 + s * 18;
            boolean any = false;
            for (Double v : series.get(s).values()) any |= v != null;
            sb.append(rect(W - RIGHT + 14, y - 9, 12, 12, PALETTE[s % PALETTE.length], series.get(s).name()));
            sb.append(text(W - RIGHT + 32, y + 1, series.get(s).name() + (any ? "" : " (no data)"), "start", 11));
        }
    }

    private static double y(double v, double max) {
        int plotH = H - TOP - BOTTOM;
        return TOP + plotH - (max <= 0 ? 0 : v / max * plotH);
    }

    private static double maxOf(List<Series> series) {
        double max = 0;
        for (Series s : series) for (Double v : s.values()) if (v != null) max = Math.max(max, v);
        return max == 0 ? 1 : max * 1.05;
    }

    private static String rect(double x, double y, double w, double h, String color, String tip) {
        return "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"><title>%s</title></rect>\n"
                .formatted(f(x), f(y), f(w), f(Math.max(0, h)), color, esc(tip));
    }

    private static String text(double x, double y, String s, String anchor, int size) {
        return "<text x=\"%s\" y=\"%s\" font-size=\"%d\" text-anchor=\"%s\">%s</text>\n".formatted(f(x), f(y), size, anchor, esc(s));
    }

    private static String f(double v) { return String.format(Locale.ROOT, "%.1f", v); }

    static String fmt(double v) { return Fmt.num(v); }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
