package dev.bantam.cli;

/** A value the user gave that cannot work (exit code 2), found after picocli's own parsing. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
