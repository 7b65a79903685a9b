package dev.bantam.cli;

import dev.bantam.core.gguf.GgufFormatException;
import dev.bantam.core.model.UnsupportedModelException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns failures into one line on stderr and an exit code: 2 for usage errors (bad flags or
 * values), 1 for files that cannot be read or used. Stack traces are only for bugs.
 */
final class ErrorHandling {
    static final int FILE_ERROR = 1;
    static final int USAGE_ERROR = 2;

    private ErrorHandling() {}

    static CommandLine configure(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            String message = messageFor(e);
            int code = e instanceof UsageException || e instanceof IllegalArgumentException ? USAGE_ERROR : FILE_ERROR;
            if (message == null) throw e;
            Progress.done();
            cmd.getErr().println("bantam: " + message);
            return code;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("bantam: " + e.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            return USAGE_ERROR;
        });
        return cli;
    }

    /** The one-line message for a failure the user can act on, or null for a bug. */
    static String messageFor(Throwable e) {
        return switch (e) {
            case UsageException u -> u.getMessage();
            case GgufFormatException g -> g.getMessage();
            case UnsupportedModelException u -> u.getMessage();
            case NoSuchFileException n -> n.getFile() + ": no such file";
            case AccessDeniedException a -> a.getFile() + ": permission denied";
            case UncheckedIOException u -> messageFor(u.getCause());
            case IOException io -> io.getMessage();
            case IllegalArgumentException i -> i.getMessage();
            case OutOfMemoryError oom -> "out of memory: " + oom.getMessage() + " (try a smaller context with -c)";
            default -> null;
        };
    }
}
