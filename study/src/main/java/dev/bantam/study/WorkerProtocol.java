package dev.bantam.study;

import java.util.Optional;

/**
 * The child's reports on its standard output, one per line, marked so that anything else a
 * backend prints there cannot be mistaken for one: "loaded", then "start" before each run (the
 * parent's timeout clock starts there) and "result" after it.
 */
public final class WorkerProtocol {
    private WorkerProtocol() {}

    static final String MARK = "@@bantam-study ";

    public record Event(String event, int index, RunOutcome outcome, Long loadNs) {}

    static String start(int index) { return MARK + Json.line(new Event("start", index, null, null)); }

    static String result(int index, RunOutcome outcome) { return MARK + Json.line(new Event("result", index, outcome, null)); }

    static String loaded(long loadNs) { return MARK + Json.line(new Event("loaded", -1, null, loadNs)); }

    static Optional<Event> parse(String line) {
        if (!line.startsWith(MARK)) return Optional.empty();
        try {
            return Optional.of(Json.MAPPER.readValue(line.substring(MARK.length()), Event.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
