package dev.bantam.cli;

import picocli.CommandLine;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * File names from the command line. A name the OS cannot represent (a NUL in it, on Linux) names
 * no file at all, so it is a bad value of its flag, exit 2, as {@code -n many} is; a valid name of
 * a missing or malformed file is a file error, exit 1. Every {@code Path} option and parameter is
 * converted here (registered on the whole command tree), and so is {@code -m}, which may also name
 * an embedded model.
 */
final class FileNames implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            // picocli puts "Invalid value for option '--x': " in front
            throw new CommandLine.TypeConversionException(notAFileName(value, e));
        }
    }

    /** {@code value} as a path, or a usage error naming {@code flag}. */
    static Path of(String flag, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(flag + ": " + notAFileName(value, e));
        }
    }

    /** The control characters in it are escaped when the line is printed ({@link ErrorHandling#oneLine}). */
    private static String notAFileName(String value, InvalidPathException e) {
        return "'" + value + "' is not a valid file name (" + e.getReason() + ")";
    }
}
