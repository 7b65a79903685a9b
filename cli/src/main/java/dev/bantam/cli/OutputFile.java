package dev.bantam.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks an output path before long work starts: never overwrite what the user had without --force. */
final class OutputFile {
    private OutputFile() {}

    static void checkWritable(Path out, boolean force) {
        if (Files.isDirectory(out)) throw new UsageException(out + ": is a directory, expected a file name");
        if (Files.exists(out) && !force) throw new UsageException(out + ": already exists (use --force to overwrite it)");
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new UsageException(out + ": directory " + parent + " does not exist");
    }

    /** The closing line of a command that wrote one file: its name and size, on stderr. */
    static void reportWritten(Path out) throws java.io.IOException {
        System.err.printf("wrote %s (%,d bytes)%n", out, Files.size(out));
    }
}
