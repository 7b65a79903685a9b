package dev.bantam.core.model;

/** A well-formed file that describes something Bantam cannot run (architecture, weight type). */
public final class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
