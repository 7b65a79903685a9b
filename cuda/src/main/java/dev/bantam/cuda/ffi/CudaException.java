package dev.bantam.cuda.ffi;

/** A CUDA, cuBLAS or NVRTC call that returned an error: which call, and the library's name for the error. */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }
}
