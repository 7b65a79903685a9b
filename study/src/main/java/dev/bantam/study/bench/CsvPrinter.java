package dev.bantam.study.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A header line of field names, then one line per test with every value double-quoted (as
 * llama-bench writes csv). Raw samples are one space-separated field, {@code samples_ns}.
 */
final class CsvPrinter implements ResultPrinter {
    private final PrintStream out;
    private final Environment env;
    private boolean headerDone;

    CsvPrinter(PrintStream out, Environment env) {
        this.out = out;
        this.env = env;
    }

    @Override
    public void result(TestResult r) {
        Map<String, Object> fields = Fields.of(env, r);
        fields.put("samples_ns", Arrays.stream(r.samplesNs()).mapToObj(Long::toString).collect(Collectors.joining(" ")));
        if (!headerDone) {
            out.println(String.join(",", fields.keySet()));
            headerDone = true;
        }
        out.println(fields.values().stream().map(CsvPrinter::quote).collect(Collectors.joining(",")));
        out.flush();
    }

    static String quote(Object value) {
        String s = value == null ? "" : value.toString();
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
