package dev.bantam.cuda.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * cuBLAS (libcublas) for the matrix-matrix products of prefill: {@code cublasGemmEx} with FP32
 * accumulation on weights in F32, F16 or BF16. One handle, bound to the session's stream.
 */
public final class Cublas implements AutoCloseable {
    public static final int R_32F = 0;
    public static final int R_16F = 2;
    public static final int R_16BF = 14;
    private static final int COMPUTE_32F = 68;
    private static final int GEMM_DEFAULT = -1;
    private static final int OP_N = 0;
    private static final int OP_T = 1;

    private final MethodHandle gemmEx, destroy, statusName;
    private final MemorySegment handle;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one, zero;

    private Cublas(NativeLibrary lib, MemorySegment stream) {
        gemmEx = lib.function("cublasGemmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        destroy = lib.function("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        statusName = lib.has("cublasGetStatusName") ? lib.function("cublasGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT)) : null;
        MethodHandle create = lib.function("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle setStream = lib.function("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        MemorySegment h = arena.allocate(ADDRESS);
        check(invoke(() -> (int) create.invoke(h)), "cublasCreate");
        handle = h.get(ADDRESS, 0);
        check(invoke(() -> (int) setStream.invoke(handle, stream)), "cublasSetStream");
        one = arena.allocateFrom(JAVA_FLOAT, 1f);
        zero = arena.allocateFrom(JAVA_FLOAT, 0f);
    }

    /** Finds libcublas; throws {@link NativeLibraryException} when it is missing. */
    public static NativeLibrary library() {
        return NativeLibrary.find("cuBLAS (libcublas)", "bantam.cuda.cublas",
                List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so"));
    }

    public static Cublas create(NativeLibrary lib, MemorySegment stream) {
        return new Cublas(lib, stream);
    }

    /**
     * C[t][n] (+)= Σ_k W[n][k]·X[t][k] for row-major W [n × k] of {@code wType}, X [t × k] of
     * {@code xType} (the same type, or both F32) and FP32 C [t × ldc]: column-major Cᵀ = Wᵀ·X.
     */
    public void matmul(long w, int wType, long x, int xType, long c, int n, int t, int k, int ldc, boolean accumulate) {
        int r = invoke(() -> (int) gemmEx.invoke(handle, OP_T, OP_N, n, t, k, one,
                MemorySegment.ofAddress(w), wType, k, MemorySegment.ofAddress(x), xType, k,
                accumulate ? one : zero, MemorySegment.ofAddress(c), R_32F, ldc, COMPUTE_32F, GEMM_DEFAULT));
        check(r, "cublasGemmEx(%d×%d×%d)".formatted(n, t, k));
    }

    private void check(int status, String call) {
        if (status == 0) return;
        String name = "status " + status;
        if (statusName != null) {
            try {
                name = ((MemorySegment) statusName.invoke(status)).reinterpret(128).getString(0);
            } catch (Throwable ignored) {
                // keep the number
            }
        }
        throw new CudaException(call + " failed: " + name);
    }

    private static int invoke(IntCall c) {
        try {
            return c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @FunctionalInterface
    private interface IntCall {
        int run() throws Throwable;
    }

    @Override
    public void close() {
        invoke(() -> (int) destroy.invoke(handle));
        arena.close();
    }
}
