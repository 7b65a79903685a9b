package dev.bantam.cli;

import com.fasterxml.jackson.core.JacksonException;
import dev.bantam.core.format.ModelFormatException;
import dev.bantam.core.model.UnsupportedModelException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns failures into one line on stderr and an exit code: 2 for usage errors (bad flags or
 * values), 1 for files that cannot be read or used. A stack trace appears only with
 * {@code --debug} (for bug reports); without it even a bug is one line that says so.
 */
final class ErrorHandling {
    static final int FILE_ERROR = 1;
    static final int USAGE_ERROR = 2;
    /** Longest message printed: a file path, a field and a quoted value fit; a flood does not. */
    static final int MAX_MESSAGE = 600;

    /** Set by {@code --debug}: print the stack trace as well. */
    static volatile boolean debug;

    private ErrorHandling() {}

    static CommandLine configure(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> report(e, cmd.getErr()));
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("bantam: " + oneLine(e.getMessage()));
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            return USAGE_ERROR;
        });
        return cli;
    }

    /** Prints the one line for {@code e} (and with --debug its stack) and returns the exit code. */
    static int report(Throwable e, PrintWriter err) {
        Progress.done();
        String message = messageFor(e);
        if (message == null) {
            message = "internal error: %s: %s (a bug; run again with --debug for the stack trace and report it)"
                    .formatted(e.getClass().getName(), e.getMessage());
        }
        err.println("bantam: " + oneLine(message));
        if (debug) e.printStackTrace(err);
        err.flush();
        return exitCode(e);
    }

    static int exitCode(Throwable e) {
        return e instanceof UsageException || (e instanceof IllegalArgumentException && !(e instanceof NumberFormatException))
                ? USAGE_ERROR : FILE_ERROR;
    }

    /** The one-line message for a failure the user can act on, or null for a bug. */
    static String messageFor(Throwable e) {
        return switch (e) {
            case UsageException u -> u.getMessage();
            case ModelFormatException g -> g.getMessage();
            case UnsupportedModelException u -> u.getMessage();
            case NoSuchFileException n -> n.getFile() + ": no such file";
            case AccessDeniedException a -> a.getFile() + ": permission denied";
            case UncheckedIOException u -> messageFor(u.getCause());
            // Jackson's own message ends in lines of "at [Source: …]"; keep the first line and where
            case JacksonException j -> j.getOriginalMessage() + (j.getLocation() == null ? ""
                    : " (line %d, column %d)".formatted(j.getLocation().getLineNr(), j.getLocation().getColumnNr()));
            case IOException io -> io.getMessage();
            case IllegalArgumentException i -> i.getMessage();
            case OutOfMemoryError oom -> "out of memory: " + oom.getMessage() + " (try a smaller context with -c)";
            default -> null;
        };
    }

    /**
     * The message as one printable line: control characters escaped as {@code \xNN} (a newline
     * too), line separators and format characters as a backslash, {@code u} and four hex digits,
     * and cut at {@link #MAX_MESSAGE} characters, whatever the thrower put in it.
     */
    static String oneLine(String message) {
        if (message == null) return "no message";
        StringBuilder sb = new StringBuilder(Math.min(message.length(), MAX_MESSAGE) + 16);
        for (int i = 0; i < message.length() && sb.length() < MAX_MESSAGE; i++) {
            ModelFormatException.appendEscaped(sb, message.charAt(i));
        }
        if (sb.length() >= MAX_MESSAGE && message.length() > MAX_MESSAGE) sb.append("… (cut)");
        return sb.toString();
    }
}
