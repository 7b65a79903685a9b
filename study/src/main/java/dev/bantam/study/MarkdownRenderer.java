package dev.bantam.study;

/** {@link ReportDocument} → Markdown (GitHub tables; charts as links to their SVG files). */
final class MarkdownRenderer {
    private MarkdownRenderer() {}

    static String render(ReportDocument doc) {
        StringBuilder sb = new StringBuilder();
        for (ReportDocument.Block b : doc.blocks()) {
            switch (b) {
                case ReportDocument.Heading h -> sb.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
                case ReportDocument.Paragraph p -> sb.append(p.text()).append("\n\n");
                case ReportDocument.Bullets l -> {
                    for (String item : l.items()) sb.append("- ").append(item).append('\n');
                    sb.append('\n');
                }
                case ReportDocument.Table t -> {
                    row(sb, t.headers());
                    sb.append("|").append("---|".repeat(t.headers().size())).append('\n');
                    for (var r : t.rows()) row(sb, r);
                    sb.append('\n');
                }
                case ReportDocument.Chart c -> sb.append("![").append(c.title()).append("](")
                        .append(StudyFiles.CHARTS).append('/').append(c.name()).append(".svg)\n\n");
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, java.util.List<String> cells) {
        sb.append('|');
        for (String c : cells) sb.append(' ').append(c.replace("|", "\\|")).append(" |");
        sb.append('\n');
    }
}
