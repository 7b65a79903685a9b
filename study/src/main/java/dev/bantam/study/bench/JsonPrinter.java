package dev.bantam.study.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code json}: one array of test objects, written as each test finishes; {@code jsonl}: one
 * object per line. Each object holds the fields of {@link Fields} plus the raw per-repetition
 * {@code samples_ns} and {@code samples_ts}, as llama-bench's json output does.
 */
final class JsonPrinter implements ResultPrinter {
    private final PrintStream out;
    private final Environment env;
    private final boolean lines;
    private final ObjectMapper mapper;
    private boolean first = true;

    JsonPrinter(PrintStream out, Environment env, boolean lines) {
        this.out = out;
        this.env = env;
        this.lines = lines;
        this.mapper = new ObjectMapper();
        if (!lines) mapper.enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Override
    public void header() {
        if (!lines) out.println("[");
    }

    @Override
    public void result(TestResult r) {
        Map<String, Object> fields = Fields.of(env, r);
        fields.put("samples_ns", r.samplesNs());
        fields.put("samples_ts", r.samplesTs());
        String json;
        try {
            json = mapper.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        if (lines) {
            out.println(json);
        } else {
            if (!first) out.println(",");
            out.print(json.indent(2).stripTrailing());
            first = false;
        }
        out.flush();
    }

    @Override
    public void footer(java.util.List<StreamTriad.Result> triads) {
        if (!lines) {
            if (!first) out.println();
            out.println("]");
        }
        out.flush();
    }
}
