package dev.bantam.cli;

import picocli.CommandLine;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Function;

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
        // picocli puts "Invalid value for option '--x': " in front
        return parse(value, CommandLine.TypeConversionException::new);
    }

    /** {@code value} as a path, or a usage error naming {@code flag}. */
    static Path of(String flag, String value) {
        return parse(value, message -> new UsageException(flag + ": " + message));
    }

    /** The control characters of a bad name are escaped when the line is printed ({@link ErrorHandling#oneLine}). */
    private static Path parse(String value, Function<String, RuntimeException> error) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw error.apply("'" + value + "' is not a valid file name (" + e.getReason() + ")");
        }
    }
}
