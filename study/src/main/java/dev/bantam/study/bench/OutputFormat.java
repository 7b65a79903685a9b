package dev.bantam.study.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The {@code -o} formats of {@code bantam bench}. */
public enum OutputFormat {
    MD, CSV, JSON, JSONL;

    public static Optional<OutputFormat> byName(String name) {
        return Arrays.stream(values()).filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
    }

    public String id() { return name().toLowerCase(Locale.ROOT); }

    public ResultPrinter printer(PrintStream out, Environment env) {
        return switch (this) {
            case MD -> new MarkdownPrinter(out, env);
            case CSV -> new CsvPrinter(out, env);
            case JSON -> new JsonPrinter(out, env, false);
            case JSONL -> new JsonPrinter(out, env, true);
        };
    }
}
