package dev.bantam.study;

/**
 * {@link ReportDocument} → one self-contained HTML page: inline CSS and inline SVG charts, no
 * scripts and nothing fetched from the network, so it opens from disk anywhere.
 */
final class HtmlRenderer {
    private HtmlRenderer() {}

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
            table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}
            th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
            th{background:#f3f3f3}td:first-child,td:nth-child(2),th:first-child{text-align:left}
            h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:3px;margin-top:1.6em}
            figure{margin:1em 0}code{background:#f5f5f5;padding:0 3px}
            """;

    static String render(String title, ReportDocument doc) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        for (ReportDocument.Block b : doc.blocks()) {
            switch (b) {
                case ReportDocument.Heading h -> sb.append("<h").append(h.level()).append('>').append(inline(h.text())).append("</h").append(h.level()).append(">\n");
                case ReportDocument.Paragraph p -> sb.append("<p>").append(inline(p.text())).append("</p>\n");
                case ReportDocument.Bullets l -> {
                    sb.append("<ul>\n");
                    for (String item : l.items()) sb.append("<li>").append(inline(item)).append("</li>\n");
                    sb.append("</ul>\n");
                }
                case ReportDocument.Table t -> {
                    sb.append("<table>\n<tr>");
                    for (String h : t.headers()) sb.append("<th>").append(inline(h)).append("</th>");
                    sb.append("</tr>\n");
                    for (var r : t.rows()) {
                        sb.append("<tr>");
                        for (String c : r) sb.append("<td>").append(inline(c)).append("</td>");
                        sb.append("</tr>\n");
                    }
                    sb.append("</table>\n");
                }
                case ReportDocument.Chart c -> sb.append("<figure id=\"").append(esc(c.name())).append("\">\n").append(c.svg())
                        .append("<figcaption>").append(esc(c.title())).append("</figcaption>\n</figure>\n");
            }
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    /** Escapes, then turns the Markdown the builder uses (`code` and **bold**) into tags. */
    private static String inline(String s) {
        return esc(s).replaceAll("`([^`]+)`", "<code>$1</code>").replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>");
    }

    private static String esc(String s) {
        return SvgChart.esc(s);
    }
}
