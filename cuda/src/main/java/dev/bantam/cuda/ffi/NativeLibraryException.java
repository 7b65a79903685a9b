package dev.bantam.cuda.ffi;

/** A native library that is missing or lacks a function: the reason a backend is unavailable. */
public final class NativeLibraryException extends RuntimeException {
    public NativeLibraryException(String message) {
        super(message);
    }
}
