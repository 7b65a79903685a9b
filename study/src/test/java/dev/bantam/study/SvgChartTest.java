package dev.bantam.study;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SvgChartTest {
    @Test
    void barsAreWellFormedScaledAndSkipMissingValues() throws Exception {
        String svg = SvgChart.bars("tok/s <by> backend & scenario", "tok/s", List.of("a", "b"), List.of(
                new SvgChart.Series("cpu", new Double[]{100.0, 50.0}),
                new SvgChart.Series("gpu", new Double[]{null, 200.0}),
                new SvgChart.Series("broken", new Double[]{null, null})));
        Document doc = parse(svg);
        List<Element> bars = dataRects(doc);
        // three values drawn; the two nulls are not drawn as zero-height bars
        assertThat(bars).hasSize(3);
        double h100 = height(bars, "cpu a: 100.0"), h50 = height(bars, "cpu b: 50.000"), h200 = height(bars, "gpu b: 200.0");
        assertThat(h50 / h100).isCloseTo(0.5, org.assertj.core.api.Assertions.within(0.01));
        assertThat(h200 / h100).isCloseTo(2.0, org.assertj.core.api.Assertions.within(0.01));
        assertThat(svg).contains("broken (no data)").doesNotContain("cpu (no data)").contains("tok/s &lt;by&gt; backend &amp; scenario");
    }

    @Test
    void linesConnectOnlyThePointsThatExist() throws Exception {
        String svg = SvgChart.lines("latency", "tokens", "ms", new double[]{20, 50, 100},
                List.of(new SvgChart.Series("cpu", new Double[]{1.0, null, 4.0})));
        Document doc = parse(svg);
        assertThat(doc.getElementsByTagName("circle").getLength()).isEqualTo(2);
        NodeList paths = doc.getElementsByTagName("path");
        assertThat(paths.getLength()).isEqualTo(1);
        assertThat(((Element) paths.item(0)).getAttribute("d").split("L")).hasSize(2);
    }

    @Test
    void scatterListsPointsWithoutCoordinatesAsNoData() throws Exception {
        String svg = SvgChart.scatter("accuracy vs speed", "tok/s", "Δppl %", List.of("fast", "failed"),
                new Double[]{100.0, null}, new Double[]{0.5, null});
        assertThat(parse(svg).getElementsByTagName("circle").getLength()).isEqualTo(1);
        assertThat(svg).contains("failed (no data)");
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** Bars: rects with a tooltip naming a value (the legend's swatches name only the series). */
    private static List<Element> dataRects(Document doc) {
        List<Element> out = new ArrayList<>();
        NodeList rects = doc.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getTextContent().contains(": ")) out.add(r);
        }
        return out;
    }

    private static double height(List<Element> bars, String title) {
        return bars.stream().filter(b -> b.getTextContent().equals(title)).findFirst()
                .map(b -> Double.parseDouble(b.getAttribute("height"))).orElseThrow(() -> new AssertionError("no bar titled " + title));
    }
}
