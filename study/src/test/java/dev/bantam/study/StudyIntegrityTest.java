package dev.bantam.study;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real study (tiny llama model, CPU backend, child JVMs) next to backends that throw, hang and
 * segfault. The raw lines, summary and report must tell the truth about all of them, and
 * {@code --verify} must catch any edited number.
 */
class StudyIntegrityTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static List<RawRun> raw;
    static StudySummary summary;

    @BeforeAll
    static void runStudy() throws Exception {
        Path model = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf");
        var spec = new StudySpec(List.of(model.toString()),
                List.of(VariantSpec.of("cpu", null), VariantSpec.of("faulty-throw", null), VariantSpec.of("faulty-hang", null),
                        VariantSpec.of("faulty-crash", null), VariantSpec.of("no-such-backend", null)),
                List.of(new Scenario("tiny", 2, 12, 4)), List.of(16, 48), 2, 1, 3, 3, 2, 7,
                new AccuracySpec(Fixtures.path("corpus/persuasion.txt").toString(), 64, 2, VariantSpec.of("cpu", null), null));
        dir = tmp.resolve("study");
        var preparer = new ModelPreparer(tmp.resolve("cache"), Path::of, 2);
        summary = new StudyRunner(spec, dir, preparer, "test", (done, total, what, eta) -> {}).run();
        raw = RawRun.read(dir.resolve(StudyFiles.RAW));
    }

    @Test
    void theWorkingBackendMeasuredEverything() {
        var cpu = raw.stream().filter(r -> r.variant().equals("cpu")).toList();
        // 1 accuracy pass + 3 scenarios × (1 warm-up + 3 repetitions)
        assertThat(cpu).hasSize(1 + 3 * 4).allMatch(RawRun::ok);
        assertThat(cpu.stream().filter(r -> r.kind().equals(RawRun.SPEED)))
                .allSatisfy(r -> {
                    assertThat(r.prefillNs()).isPositive();
                    assertThat(r.stepNs()).hasSize(r.decodeSteps());
                    assertThat(r.decodeTokens()).isEqualTo((long) r.batch() * r.decodeSteps());
                });
        assertThat(cpu.stream().filter(RawRun::warmup)).hasSize(3);
        var acc = summary.accuracy().stream().filter(a -> a.variant().equals("cpu")).findFirst().orElseThrow();
        assertThat(acc.gate()).isEqualTo("base");
        assertThat(acc.ppl()).isGreaterThan(1);
        assertThat(acc.scoredTokens()).isEqualTo(2 * (64 - 1 - 32));
    }

    @Test
    void failuresAreRowsWithoutTimings() {
        Map<String, RunOutcome.Status> expected = Map.of("faulty-throw", RunOutcome.Status.FAILED,
                "faulty-crash", RunOutcome.Status.FAILED, "no-such-backend", RunOutcome.Status.FAILED);
        expected.forEach((variant, status) -> assertThat(raw.stream().filter(r -> r.variant().equals(variant)))
                .hasSize(13)
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(status);
                    assertThat(r.error()).isNotBlank();
                    assertThat(r.prefillNs()).isNull();
                    assertThat(r.stepNs()).isNull();
                    assertThat(r.nll()).isNull();
                }));
        assertThat(raw.stream().filter(r -> r.variant().equals("faulty-throw")).map(RawRun::error))
                .allMatch(e -> e.contains("simulated kernel failure"));
        assertThat(raw.stream().filter(r -> r.variant().equals("faulty-crash")).map(RawRun::error))
                .allMatch(e -> e.contains("backend process exited with code"));
        assertThat(raw.stream().filter(r -> r.variant().equals("no-such-backend")).map(RawRun::error))
                .allMatch(e -> e.contains("no backend 'no-such-backend'"));
    }

    @Test
    void aHangingBackendTimesOutAndTheStudyGoesOn() {
        var hang = raw.stream().filter(r -> r.variant().equals("faulty-hang") && r.kind().equals(RawRun.SPEED)).toList();
        assertThat(hang).hasSize(12);
        // two timeouts in a row, then the rest is not attempted (a hung backend would hang again)
        assertThat(hang.subList(0, 2)).allMatch(r -> r.status() == RunOutcome.Status.TIMEOUT && r.error().contains("longer than 3 s"));
        assertThat(hang.subList(2, 12)).allMatch(r -> r.status() == RunOutcome.Status.FAILED && r.error().startsWith("not run"));
        assertThat(hang).allMatch(r -> r.prefillNs() == null);
        // runs after the hang still happened
        assertThat(raw.getLast().variant()).isEqualTo("no-such-backend");
    }

    @Test
    void countsInTheSummaryAndReportComeFromRawLines() throws IOException {
        long ok = raw.stream().filter(RawRun::ok).count();
        long failed = raw.stream().filter(r -> r.status() == RunOutcome.Status.FAILED).count();
        long timeout = raw.stream().filter(r -> r.status() == RunOutcome.Status.TIMEOUT).count();
        assertThat(summary.counts()).isEqualTo(new StudySummary.Counts(raw.size(), (int) raw.stream().filter(RawRun::warmup).count(),
                (int) raw.stream().filter(r -> !r.warmup()).count(), (int) ok, (int) failed, (int) timeout));
        String md = Files.readString(dir.resolve(StudyFiles.REPORT_MD));
        assertThat(md).contains("holds %d runs".formatted(raw.size()))
                .contains("%d OK, %d FAILED, %d TIMEOUT".formatted(ok, failed, timeout));
        // a cell of a group without OK runs says so, with the number of measured runs that failed
        for (var g : summary.groups()) {
            if (g.nOk() == 0) {
                long k = raw.stream().filter(r -> r.variant().equals(g.variant()) && r.scenario().equals(g.scenario()) && !r.warmup()).count();
                assertThat(g.nFailed() + g.nTimeout()).isEqualTo((int) k);
                assertThat(md).contains("| " + g.variant() + " | " + g.phase() + " | 0 / " + k + " | no data (" + k + " failed) |");
            }
        }
        // failed variants appear only under the heading that says their accuracy was not checked
        String speed = md.substring(md.indexOf("## Speed"), md.indexOf("## Accuracy not checked"));
        assertThat(speed).doesNotContain("faulty").doesNotContain("no-such-backend");
    }

    @Test
    void verifyPassesUntouchedAndCatchesAnyEditedNumber() throws IOException {
        assertThat(Reports.verify(dir)).isEmpty();
        for (String file : List.of(StudyFiles.REPORT_MD, StudyFiles.SUMMARY, StudyFiles.REPORT_HTML)) {
            Path p = dir.resolve(file);
            String original = Files.readString(p);
            var m = java.util.regex.Pattern.compile("\\d+\\.\\d+").matcher(original);
            int edited = 0;
            while (m.find() && edited < 3) { // change the first few decimals, one at a time
                String tampered = original.substring(0, m.start()) + bump(m.group()) + original.substring(m.end());
                Files.writeString(p, tampered);
                assertThat(Reports.verify(dir)).as("%s with %s edited", file, m.group()).anySatisfy(problem -> assertThat(problem).startsWith(file));
                edited++;
            }
            Files.writeString(p, original);
        }
        assertThat(Reports.verify(dir)).isEmpty();
    }

    @Test
    void theHtmlReportIsSelfContained() throws IOException {
        String html = Files.readString(dir.resolve(StudyFiles.REPORT_HTML));
        assertThat(html).contains("<svg").doesNotContain("<script").doesNotContain("http://cdn").doesNotContain("https://");
        assertThat(dir.resolve(StudyFiles.CHARTS)).isDirectoryContaining(p -> p.toString().endsWith("-latency-vs-length.svg"));
    }

    @Test
    void chromiumRendersTheReportWithItsCharts() throws Exception {
        var chromium = HeadlessChromium.find();
        org.junit.jupiter.api.Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (.ci/run installs it)");
        Path png = tmp.resolve("report.png");
        var result = chromium.get().screenshot(dir.resolve(StudyFiles.REPORT_HTML), png, 1200, 6000);
        assertThat(result.exitCode()).as(result.output()).isZero();
        // nothing failed to load and no script error (the page has no scripts and fetches nothing)
        assertThat(result.output()).doesNotContain("net::ERR_").doesNotContain("Uncaught").doesNotContain(":CONSOLE(");
        var image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        // the charts' first series colour (#1f77b4) is on screen: bars and lines were drawn
        int chartPixels = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) if ((image.getRGB(x, y) & 0xffffff) == 0x1f77b4) chartPixels++;
        }
        assertThat(chartPixels).as("pixels in the charts' first colour").isGreaterThan(500);
    }

    private static String bump(String decimal) {
        char last = decimal.charAt(decimal.length() - 1);
        return decimal.substring(0, decimal.length() - 1) + (last == '9' ? '8' : (char) (last + 1));
    }
}
