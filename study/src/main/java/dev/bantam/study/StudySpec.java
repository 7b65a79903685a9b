package dev.bantam.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a study measures. Every field has a default, so a spec file names only what it changes.
 * {@code models}: GGUF paths, embedded model names, or {@code synth:PRESET}. {@code backends}:
 * null means every available backend at each of its usual precisions ({@link DefaultVariants}).
 * {@code llama_cpp_dir}: the folder of llama.cpp's binaries (null: the PATH).
 */
public record StudySpec(List<String> models, List<VariantSpec> backends, List<Scenario> scenarios,
                        List<Integer> sweepLengths, int sweepDecodeSteps, int warmups, int repetitions,
                        int timeoutSeconds, int threads, long seed, AccuracySpec accuracy, String llamaCppDir) {

    /** Without a llama.cpp folder: the binaries are looked for on the PATH. */
    public StudySpec(List<String> models, List<VariantSpec> backends, List<Scenario> scenarios,
                     List<Integer> sweepLengths, int sweepDecodeSteps, int warmups, int repetitions,
                     int timeoutSeconds, int threads, long seed, AccuracySpec accuracy) {
        this(models, backends, scenarios, sweepLengths, sweepDecodeSteps, warmups, repetitions, timeoutSeconds, threads, seed, accuracy, null);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public StudySpec {
        if (models == null || models.isEmpty()) throw new IllegalArgumentException("models: at least one model is needed");
        if (scenarios == null) scenarios = List.of();
        if (sweepLengths == null) sweepLengths = List.of();
        if (scenarios.isEmpty() && sweepLengths.isEmpty()) throw new IllegalArgumentException("scenarios and sweep_lengths are both empty: nothing to measure");
        for (int l : sweepLengths) if (l < 1) throw new IllegalArgumentException("sweep_lengths: lengths must be >= 1, got " + l);
        if (sweepDecodeSteps < 0) throw new IllegalArgumentException("sweep_decode_steps must be >= 0, got " + sweepDecodeSteps);
        if (warmups < 0) throw new IllegalArgumentException("warmups must be >= 0, got " + warmups);
        if (repetitions < 2) throw new IllegalArgumentException("repetitions must be >= 2 (a standard deviation needs two), got " + repetitions);
        if (timeoutSeconds < 1) throw new IllegalArgumentException("timeout_seconds must be >= 1, got " + timeoutSeconds);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
        var names = new java.util.HashSet<String>();
        for (Scenario s : scenarios) if (!names.add(s.name())) throw new IllegalArgumentException("scenarios: duplicate name " + s.name());
        models = List.copyOf(models);
        backends = backends == null ? null : List.copyOf(backends);
        scenarios = List.copyOf(scenarios);
        sweepLengths = List.copyOf(sweepLengths);
    }

    public static final List<String> DEFAULT_MODELS = List.of("austen-llama-7m", "austen-gpt2-7m");

    /** The default study: both embedded models, benchmark.md's matrix and sweep, 3 warm-ups, 5 repetitions. */
    public static StudySpec defaults() {
        return new StudySpec(DEFAULT_MODELS, null, Scenario.DEFAULT_MATRIX, Scenario.DEFAULT_SWEEP, 8, 3, 5, 180, 0, 1234,
                new AccuracySpec(null, 256, 16, null, null));
    }

    /** {@code --quick}: two scenarios, three sweep points, one warm-up, three repetitions, four perplexity windows. */
    public static StudySpec quick() {
        StudySpec d = defaults();
        return new StudySpec(d.models, null, List.of(Scenario.DEFAULT_MATRIX.get(1), Scenario.DEFAULT_MATRIX.get(4)),
                List.of(50, 200, 500), 8, 1, 3, d.timeoutSeconds, 0, d.seed, new AccuracySpec(null, 256, 4, null, null));
    }

    /** Every scenario run, the sweep points included. */
    public List<Scenario> allScenarios() {
        List<Scenario> all = new ArrayList<>(scenarios);
        for (int l : sweepLengths) all.add(Scenario.sweep(l, sweepDecodeSteps));
        return all;
    }

    /** Reads a spec file over {@code base}: fields it names replace the base's (the accuracy object field by field). */
    public static StudySpec read(Path file, StudySpec base) throws IOException {
        JsonNode user;
        try {
            user = Json.MAPPER.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StudySpecException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (user == null || !user.isObject()) throw new StudySpecException(file + ": expected a JSON object");
        ObjectNode merged = Json.MAPPER.valueToTree(base);
        if (base.backends == null) merged.remove("backends");
        user.properties().forEach(e -> {
            if (e.getKey().equals("accuracy") && e.getValue().isObject() && merged.get("accuracy") instanceof ObjectNode acc) {
                acc.setAll((ObjectNode) e.getValue());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        });
        try {
            return Json.MAPPER.treeToValue(merged, StudySpec.class);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new StudySpecException(file + ": unknown field '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
            throw new StudySpecException(file + ": " + (cause != null ? cause.getMessage() : e.getOriginalMessage()));
        }
    }

    /** A spec that cannot be used; its message names the file and the field. */
    public static final class StudySpecException extends IllegalArgumentException {
        public StudySpecException(String message) { super(message); }
    }
}
