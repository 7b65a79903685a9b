package dev.bantam.study;

import java.util.ArrayList;
import java.util.List;

/** A report as blocks, rendered to Markdown and to HTML from the same content. */
public final class ReportDocument {
    public sealed interface Block permits Heading, Paragraph, Bullets, Table, Chart {}

    public record Heading(int level, String text) implements Block {}

    public record Paragraph(String text) implements Block {}

    public record Bullets(List<String> items) implements Block {}

    public record Table(List<String> headers, List<List<String>> rows) implements Block {}

    /** An SVG chart; Markdown links to {@code charts/NAME.svg}, HTML inlines it. */
    public record Chart(String name, String title, String svg) implements Block {}

    private final List<Block> blocks = new ArrayList<>();

    ReportDocument heading(int level, String text) { blocks.add(new Heading(level, text)); return this; }

    ReportDocument paragraph(String text) { blocks.add(new Paragraph(text)); return this; }

    ReportDocument bullets(List<String> items) { blocks.add(new Bullets(List.copyOf(items))); return this; }

    ReportDocument table(List<String> headers, List<List<String>> rows) { blocks.add(new Table(List.copyOf(headers), List.copyOf(rows))); return this; }

    ReportDocument chart(String name, String title, String svg) { blocks.add(new Chart(name, title, svg)); return this; }

    public List<Block> blocks() { return List.copyOf(blocks); }

    public List<Chart> charts() {
        return blocks.stream().filter(b -> b instanceof Chart).map(b -> (Chart) b).toList();
    }
}
