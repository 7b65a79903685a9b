package dev.bantam.study;

/**
 * One line of {@code raw.jsonl}: who ran what, and what it measured ({@link RunOutcome}).
 * {@code kind} is {@code speed} or {@code accuracy}; warm-ups are recorded with
 * {@code warmup = true} and never aggregated. {@code ppl}/{@code pplError} are set only for a
 * backend whose own tool reports perplexity without per-token values (llama.cpp).
 */
public record RawRun(int runId, String kind, String model, String variant, String backend, String type,
                     String scenario, int batch, int promptTokens, int decodeSteps, boolean warmup, int repetition,
                     RunOutcome.Status status, String error,
                     Long prefillNs, Long sampleNs, long[] stepNs, Long decodeNs, Long decodeTokens,
                     Long rssBytes, Long peakRssBytes, Long deviceBytes,
                     Integer scoredTokens, double[] nll, double[] kl, Integer sameTop, Double maxAbsDlogit,
                     Double ppl, Double pplError) {

    public static final String SPEED = "speed", ACCURACY = "accuracy";

    public boolean ok() { return status == RunOutcome.Status.OK; }

    /** The line for {@code run} of {@code variant}: identity from the plan, measurements from the outcome; numbered when written. */
    static RawRun of(String kind, String model, VariantSpec variant, RunRequest run, RunOutcome o) {
        return new RawRun(0, kind, model, variant.label(), variant.backend(), variant.type(),
                run.scenario(), run.batch(), run.promptTokens(), run.decodeSteps(), run.warmup(), run.repetition(),
                o.status(), o.error(), o.prefillNs(), o.sampleNs(), o.stepNs(), o.decodeNs(), o.decodeTokens(),
                o.rssBytes(), o.peakRssBytes(), o.deviceBytes(), o.scoredTokens(), o.nll(), o.kl(), o.sameTop(), o.maxAbsDlogit(),
                o.ppl(), o.pplError());
    }

    /** This run as line {@code id} of raw.jsonl. */
    RawRun withRunId(int id) {
        return new RawRun(id, kind, model, variant, backend, type, scenario, batch, promptTokens, decodeSteps, warmup, repetition,
                status, error, prefillNs, sampleNs, stepNs, decodeNs, decodeTokens, rssBytes, peakRssBytes, deviceBytes,
                scoredTokens, nll, kl, sameTop, maxAbsDlogit, ppl, pplError);
    }

    /** The raw file, one run per line. */
    public static java.util.List<RawRun> read(java.nio.file.Path file) throws java.io.IOException {
        java.util.List<RawRun> runs = new java.util.ArrayList<>();
        int n = 0;
        for (String line : java.nio.file.Files.readAllLines(file)) {
            n++;
            if (line.isBlank()) continue;
            try {
                runs.add(Json.MAPPER.readValue(line, RawRun.class));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new java.io.IOException(file + ": line " + n + " is not a run record: " + e.getOriginalMessage());
            }
        }
        return runs;
    }
}
