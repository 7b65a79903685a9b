package dev.bantam.study;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tokenizer.Tokenizers;
import dev.bantam.study.bench.RandomTokens;
import dev.bantam.study.torch.PythonProbe;
import dev.bantam.study.torch.StubRecordings;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One tiny study three times: whole, and as shards 1/2 and 2/2 merged with {@code report --merge}.
 * The merged study verifies and has the unsharded one's structure: the same raw lines in the
 * same order (identity and status), the same summary rows, the same report headings. Its
 * variants include {@code torch/f32} on the STUB worker (replays logits recorded from the CPU
 * engine for exactly the token ids this spec feeds; not PyTorch), so the torch backend passes
 * through the study's accuracy gate and speed runs as a real one would.
 */
class StudyShardTest {
    @TempDir
    static Path tmp;
    static Path whole, merged;
    static final Path MODEL = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf");
    static final Scenario SCENARIO = new Scenario("tiny", 2, 8, 4);

    static StudySpec spec() {
        return new StudySpec(List.of(MODEL.toString()),
                List.of(VariantSpec.of("cpu", "f32"), VariantSpec.of("cpu", "q8_0"), VariantSpec.of("torch", "f32")),
                List.of(SCENARIO), List.of(), 0, 1, 2, 60, 1, 7,
                new AccuracySpec(Fixtures.path("corpus/persuasion.txt").toString(), 64, 1, null, null));
    }

    @BeforeAll
    static void runAll() throws Exception {
        assumeTrue(PythonProbe.get().hasPython(), "no python3 here");
        System.setProperty("bantam.hf.cache", tmp.resolve("hf").toString());
        System.setProperty("bantam.torch.worker", record().toString());
        var preparer = new ModelPreparer(tmp.resolve("cache"), Path::of, 1);
        whole = tmp.resolve("whole");
        new StudyRunner(spec(), whole, preparer, "test", (d, t, w, e) -> {}).run();
        for (int k = 1; k <= 2; k++) new StudyRunner(spec(), tmp.resolve("shard" + k), preparer, "test", (d, t, w, e) -> {}, new Shard(k, 2, null)).run();
        merged = tmp.resolve("merged");
        StudyMerge.merge(merged, List.of(tmp.resolve("shard2"), tmp.resolve("shard1")));
    }

    @AfterAll
    static void clear() {
        System.clearProperty("bantam.hf.cache");
        System.clearProperty("bantam.torch.worker");
    }

    /** The token ids this spec feeds: the accuracy window and each speed run's prompts, extended greedily. */
    static Path record() throws Exception {
        var rec = StubRecordings.of(MODEL);
        try (GgufFile f = GgufFile.open(MODEL)) {
            var tok = Tokenizers.fromGguf(f.metadata(), "llama-tiny");
            int bos = tok.addBosByDefault() && tok.bosId() >= 0 ? tok.bosId() : -1;
            int[] text = tok.encode(Files.readString(Fixtures.path("corpus/persuasion.txt")), tok.addBosByDefault(), false);
            int[] window = Arrays.copyOf(text, 64);
            if (bos >= 0) window[0] = bos;
            rec.add(window);
            for (int run = 0; run < 3; run++) { // 1 warm-up + 2 repetitions, numbered in order
                var random = new RandomTokens(7 + run, tok.vocabSize(), bos);
                for (int b = 0; b < SCENARIO.batch(); b++) rec.greedy(random.sequence(SCENARIO.promptTokens()), SCENARIO.decodeSteps());
            }
        }
        return rec.write(tmp.resolve("stub"));
    }

    private static List<String> identity(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        for (RawRun r : RawRun.read(dir.resolve(StudyFiles.RAW))) {
            out.add(String.join(" ", Integer.toString(r.runId()), r.kind(), r.model(), r.variant(), r.scenario(),
                    Boolean.toString(r.warmup()), Integer.toString(r.repetition()), r.status().name()));
        }
        return out;
    }

    @Test
    void mergedShardsHaveTheUnshardedStructureAndVerify() throws Exception {
        assertThat(identity(merged)).isEqualTo(identity(whole));
        assertThat(identity(whole)).allMatch(l -> l.endsWith(" OK"));
        assertThat(Reports.verify(merged)).isEmpty();
        var a = Json.MAPPER.readTree(whole.resolve(StudyFiles.SUMMARY).toFile());
        var b = Json.MAPPER.readTree(merged.resolve(StudyFiles.SUMMARY).toFile());
        assertThat(keys(b.path("groups"), "variant", "scenario", "phase", "gate", "n_ok")).isEqualTo(keys(a.path("groups"), "variant", "scenario", "phase", "gate", "n_ok"));
        assertThat(keys(b.path("accuracy"), "variant", "gate")).isEqualTo(keys(a.path("accuracy"), "variant", "gate"));
        assertThat(headings(merged)).isEqualTo(headings(whole));
        // shard 2 ran the base's accuracy pass only as a helper for cpu/q8_0's KL; the merge keeps shard 1's
        assertThat(identity(tmp.resolve("shard2"))).anyMatch(l -> l.contains("accuracy") && l.contains("cpu/f32"));
        assertThat(Files.readString(merged.resolve(StudyFiles.REPORT_MD))).contains("| shard 1/2 |").contains("| shard 2/2 |");
    }

    @Test
    void theStubbedTorchVariantPassedItsGateAndRan() throws Exception {
        var s = Json.MAPPER.readTree(whole.resolve(StudyFiles.SUMMARY).toFile());
        var torch = keys(s.path("accuracy"), "variant", "gate", "same_top_percent");
        assertThat(torch).contains("torch/f32 pass 100.0");
        var manifest = Manifest.read(whole.resolve(StudyFiles.MANIFEST));
        assertThat(manifest.backends()).anySatisfy(b -> {
            assertThat(b.id()).isEqualTo("torch");
            assertThat(b.version()).contains("STUB").contains("not PyTorch");
        });
    }

    @Test
    void refusesWhatIsNotOneStudy() throws Exception {
        assertThatThrownBy(() -> StudyMerge.merge(tmp.resolve("m1"), List.of(tmp.resolve("shard1"))))
                .hasMessageContaining("shards [2] of 2 are missing");
        assertThatThrownBy(() -> StudyMerge.merge(tmp.resolve("m2"), List.of(tmp.resolve("shard1"), whole)))
                .hasMessageContaining("not a shard");
        assertThatThrownBy(() -> StudyMerge.merge(tmp.resolve("m3"), List.of(tmp.resolve("shard1"), tmp.resolve("shard1"))))
                .hasMessageContaining("given twice");
        Path other = tmp.resolve("other");
        copy(tmp.resolve("shard2"), other);
        Path mf = other.resolve(StudyFiles.MANIFEST);
        Files.writeString(mf, Files.readString(mf).replace("\"seed\" : 7", "\"seed\" : 8"));
        assertThatThrownBy(() -> StudyMerge.merge(tmp.resolve("m4"), List.of(tmp.resolve("shard1"), other)))
                .hasMessageContaining("spec differs");
        Files.writeString(mf, Files.readString(mf).replace("\"seed\" : 8", "\"seed\" : 7").replace("\"bantam_version\" : \"test\"", "\"bantam_version\" : \"0.2\""));
        assertThatThrownBy(() -> StudyMerge.merge(tmp.resolve("m5"), List.of(tmp.resolve("shard1"), other)))
                .hasMessageContaining("different versions");
    }

    @Test
    void shardsSplitTheCellsDeterministically() {
        var one = new Shard(1, 2, null);
        assertThat(List.of(0, 1, 2, 3).stream().filter(one::owns)).containsExactly(0, 2);
        assertThat(Shard.parse("2/3").index()).isEqualTo(2);
        assertThatThrownBy(() -> Shard.parse("3/2")).hasMessageContaining("1 <= K <= N");
        assertThatThrownBy(() -> Shard.parse("x")).hasMessageContaining("expected K/N");
    }

    private static List<String> keys(com.fasterxml.jackson.databind.JsonNode rows, String... fields) {
        List<String> out = new ArrayList<>();
        for (var r : rows) {
            List<String> v = new ArrayList<>();
            for (String f : fields) v.add(r.path(f).asText());
            out.add(String.join(" ", v));
        }
        return out;
    }

    private static List<String> headings(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve(StudyFiles.REPORT_MD)).stream().filter(l -> l.startsWith("#")).toList();
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
