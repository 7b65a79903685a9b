package dev.bantam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** End to end on the embedded model with tiny sizes; checks the formats parse, never the speed. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TINY = {"bench", "-m", "austen-llama-7m", "-p", "16", "-n", "8", "-r", "2", "-t", "2"};

    static CliRun bench(String... extra) {
        String[] args = new String[TINY.length + extra.length];
        System.arraycopy(TINY, 0, args, 0, TINY.length);
        System.arraycopy(extra, 0, args, TINY.length, extra.length);
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    @Test
    void markdownIsLlamaBenchsTable() {
        CliRun run = bench("-o", "md");
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).matches("\\| model +\\| +size \\| +params \\| backend +\\| threads \\| +test \\| +t/s \\|");
        assertThat(lines.get(2)).contains("| llama 7M Q8_0").contains("|       2 |").contains("pp16").containsPattern("[0-9.]+ ± [0-9.]+ \\|$");
        assertThat(lines.get(3)).contains("tg8");
        assertThat(run.out()).contains("build: ").contains("vector: ").contains("jvm flags: ");
    }

    @Test
    void jsonIsAnArrayWithRawSamples() throws Exception {
        JsonNode tests = JSON.readTree(bench("-o", "json").out());
        assertThat(tests.isArray()).isTrue();
        assertThat(tests).hasSize(2);
        assertThat(tests.get(0).get("test").asText()).isEqualTo("pp16");
        assertThat(tests.get(1).get("test").asText()).isEqualTo("tg8");
        for (JsonNode t : tests) checkTest(t);
    }

    @Test
    void jsonlIsOneObjectPerTestWithRoofline() throws Exception {
        List<String> lines = bench("-o", "jsonl", "--roofline", "-pg", "8,4").out().lines().toList();
        assertThat(lines).hasSize(3);
        List<JsonNode> tests = new ArrayList<>();
        for (String line : lines) tests.add(JSON.readTree(line));
        assertThat(tests.stream().map(t -> t.get("test").asText())).containsExactly("pp16", "tg8", "pp8+tg4");
        for (JsonNode t : tests) checkTest(t);
        JsonNode tg = tests.get(1);
        assertThat(tg.get("mem_bw_gbs").asDouble()).isPositive();
        assertThat(tg.get("bytes_per_token").asDouble()).isPositive();
        assertThat(tg.get("roofline_ts").asDouble()).isPositive();
        assertThat(tg.get("roofline_pct").asDouble()).isPositive();
        assertThat(tests.get(0).get("roofline_pct").isNull()).isTrue();
    }

    @Test
    void csvHasOneColumnPerFieldAndPositiveNumbers() {
        List<String> lines = bench("-o", "csv").out().lines().toList();
        assertThat(lines).hasSize(3);
        List<String> header = List.of(lines.get(0).split(","));
        assertThat(header).contains("model_type", "n_threads", "test", "avg_ts", "stddev_ts", "avg_ns", "samples_ns", "cpu_info", "jvm_flags");
        for (String line : lines.subList(1, 3)) {
            List<String> values = parseCsv(line);
            assertThat(values).hasSameSizeAs(header);
            assertThat(Double.parseDouble(values.get(header.indexOf("avg_ts")))).isPositive();
            assertThat(Long.parseLong(values.get(header.indexOf("avg_ns")))).isPositive();
            assertThat(values.get(header.indexOf("n_threads"))).isEqualTo("2");
            String[] samples = values.get(header.indexOf("samples_ns")).split(" ");
            assertThat(samples).hasSize(2).allSatisfy(s -> assertThat(Long.parseLong(s)).isPositive());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-o xml", "-p 0 -n 0", "-pg 5", "-pg 4,x", "-r 0", "-t 0", "-p -3", "-p 100000"})
    void badValuesAreUsageErrors(String flags) {
        // every one of these is refused before anything is run (-p and -n add to, not replace, earlier values)
        List<String> args = new ArrayList<>(List.of("bench", "-r", "1"));
        args.addAll(List.of(flags.split(" ")));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.errLines()).startsWith("bantam: ");
    }

    private static void checkTest(JsonNode t) {
        assertThat(t.get("n_threads").asInt()).isEqualTo(2);
        assertThat(t.get("avg_ts").asDouble()).isPositive();
        assertThat(t.get("avg_ns").asLong()).isPositive();
        assertThat(t.get("model_size").asLong()).isPositive();
        assertThat(t.get("model_n_params").asLong()).isPositive();
        assertThat(t.get("vector_bits").asInt()).isPositive();
        assertThat(t.get("cpu_info").asText()).isNotEmpty();
        assertThat(t.get("build_commit").asText()).isNotEmpty();
        assertThat(t.get("samples_ns")).hasSize(2).allSatisfy(s -> assertThat(s.asLong()).isPositive());
        assertThat(t.get("samples_ts")).hasSize(2).allSatisfy(s -> assertThat(s.asDouble()).isPositive());
    }

    /** Splits one line of fully quoted CSV ("a","b ""c""",...). */
    static List<String> parseCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.append(c);
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
