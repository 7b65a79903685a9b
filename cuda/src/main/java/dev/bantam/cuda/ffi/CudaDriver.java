package dev.bantam.cuda.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver API (libcuda), the part Bantam uses: devices, the primary context, memory,
 * streams, events, modules, launches and graphs. Handles are addresses; device pointers are
 * {@code long}s. Every call checks its result and throws {@link CudaException} naming the call
 * and the driver's error name.
 */
public final class CudaDriver {
    public static final int ATTRIBUTE_SM_COUNT = 16;
    public static final int ATTRIBUTE_CC_MAJOR = 75;
    public static final int ATTRIBUTE_CC_MINOR = 76;
    /** cuStreamBeginCapture mode: other threads' CUDA calls are not checked against the capture. */
    private static final int CAPTURE_MODE_RELAXED = 2;
    private static final int STREAM_NON_BLOCKING = 1;
    /** CUlaunchAttributeID: the launch may overlap the previous kernel of its stream (sm_90+). */
    private static final int LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION = 6;
    /** CUlaunchAttribute: the id, padding to 8 bytes, a 64-byte value union (here an int flag). */
    static final StructLayout LAUNCH_ATTRIBUTE = MemoryLayout.structLayout(JAVA_INT.withName("id"),
            MemoryLayout.paddingLayout(4), MemoryLayout.sequenceLayout(16, JAVA_INT).withName("value"));
    /** CUlaunchConfig, as cuda.h lays it out on a 64-bit host. */
    static final StructLayout LAUNCH_CONFIG = MemoryLayout.structLayout(JAVA_INT.withName("gridDimX"),
            JAVA_INT.withName("gridDimY"), JAVA_INT.withName("gridDimZ"), JAVA_INT.withName("blockDimX"),
            JAVA_INT.withName("blockDimY"), JAVA_INT.withName("blockDimZ"), JAVA_INT.withName("sharedMemBytes"),
            MemoryLayout.paddingLayout(4), ADDRESS.withName("hStream"), ADDRESS.withName("attrs"),
            JAVA_INT.withName("numAttrs"), MemoryLayout.paddingLayout(4));

    private static final FunctionDescriptor I_I = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_A = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor I_L = FunctionDescriptor.of(JAVA_INT, JAVA_LONG);
    private static final FunctionDescriptor I_AA = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);

    private final NativeLibrary lib;
    private final MethodHandle cuInit, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName, cuDeviceGetAttribute,
            cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease, cuCtxSetCurrent, cuCtxSynchronize,
            cuMemAlloc, cuMemFree, cuMemAllocHost, cuMemFreeHost, cuMemcpyHtoD, cuMemcpyDtoH, cuMemcpyDtoD,
            cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemsetD8,
            cuModuleLoadData, cuModuleGetFunction, cuModuleUnload, cuLaunchKernel, cuLaunchKernelEx,
            cuStreamCreate, cuStreamSynchronize, cuStreamDestroy, cuStreamBeginCapture, cuStreamEndCapture,
            cuGraphInstantiate, cuGraphLaunch, cuGraphExecDestroy, cuGraphDestroy,
            cuEventCreate, cuEventRecord, cuEventSynchronize, cuEventElapsedTime, cuEventDestroy,
            cuGetErrorName, cuDriverGetVersion, cuProfilerStart, cuProfilerStop;

    private CudaDriver(NativeLibrary lib) {
        this.lib = lib;
        cuInit = lib.function("cuInit", I_I);
        cuDriverGetVersion = lib.function("cuDriverGetVersion", I_A);
        cuDeviceGetCount = lib.function("cuDeviceGetCount", I_A);
        cuDeviceGet = lib.function("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = lib.function("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceGetAttribute = lib.function("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDevicePrimaryCtxRetain = lib.function("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRelease = lib.function("cuDevicePrimaryCtxRelease_v2", I_I);
        cuCtxSetCurrent = lib.function("cuCtxSetCurrent", I_A);
        cuCtxSynchronize = lib.function("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuMemAlloc = lib.function("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = lib.function("cuMemFree_v2", I_L);
        cuMemAllocHost = lib.function("cuMemAllocHost_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFreeHost = lib.function("cuMemFreeHost", I_A);
        cuMemcpyHtoD = lib.function("cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        cuMemcpyDtoH = lib.function("cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        cuMemcpyDtoD = lib.function("cuMemcpyDtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        cuMemcpyHtoDAsync = lib.function("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        cuMemcpyDtoHAsync = lib.function("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemsetD8 = lib.function("cuMemsetD8_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG));
        cuModuleLoadData = lib.function("cuModuleLoadData", I_AA);
        cuModuleGetFunction = lib.function("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuModuleUnload = lib.function("cuModuleUnload", I_A);
        cuLaunchKernel = lib.function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuLaunchKernelEx = lib.has("cuLaunchKernelEx")
                ? lib.function("cuLaunchKernelEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS)) : null;
        cuStreamCreate = lib.function("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamSynchronize = lib.function("cuStreamSynchronize", I_A);
        cuStreamDestroy = lib.function("cuStreamDestroy_v2", I_A);
        cuStreamBeginCapture = lib.function("cuStreamBeginCapture_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamEndCapture = lib.function("cuStreamEndCapture", I_AA);
        cuGraphInstantiate = lib.function("cuGraphInstantiateWithFlags", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        cuGraphLaunch = lib.function("cuGraphLaunch", I_AA);
        cuGraphExecDestroy = lib.function("cuGraphExecDestroy", I_A);
        cuGraphDestroy = lib.function("cuGraphDestroy", I_A);
        cuEventCreate = lib.function("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuEventRecord = lib.function("cuEventRecord", I_AA);
        cuEventSynchronize = lib.function("cuEventSynchronize", I_A);
        cuEventElapsedTime = lib.function(lib.has("cuEventElapsedTime_v2") ? "cuEventElapsedTime_v2" : "cuEventElapsedTime",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuEventDestroy = lib.function("cuEventDestroy_v2", I_A);
        cuGetErrorName = lib.function("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuProfilerStart = lib.function("cuProfilerStart", FunctionDescriptor.of(JAVA_INT));
        cuProfilerStop = lib.function("cuProfilerStop", FunctionDescriptor.of(JAVA_INT));
    }

    /** Brackets the region a profiler started with {@code --profile-from-start off} (ncu, nsys) records. */
    public void profilerStart() { call("cuProfilerStart", () -> (int) cuProfilerStart.invoke()); }

    public void profilerStop() { call("cuProfilerStop", () -> (int) cuProfilerStop.invoke()); }

    /** Loads libcuda; throws {@link NativeLibraryException} when there is no driver. */
    public static CudaDriver load() {
        return new CudaDriver(NativeLibrary.find("the CUDA driver (libcuda)", "bantam.cuda.driver", List.of("libcuda.so.1", "libcuda.so")));
    }

    public String libraryName() { return lib.name(); }

    /** CUDA_ERROR_NO_DEVICE and friends by name, for messages. */
    public String errorName(int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) cuGetErrorName.invoke(code, p);
            if (r != 0) return "CUDA error " + code;
            return p.get(ADDRESS, 0).reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "CUDA error " + code;
        }
    }

    void check(int result, String call) {
        if (result != 0) throw new CudaException(call + " failed: " + errorName(result) + " (" + result + ")");
    }

    /** Runs a call that returns a CUresult; wraps what the method handle throws. */
    private void call(String name, ThrowingCall c) {
        int r;
        try {
            r = c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + ": " + t, t);
        }
        check(r, name);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        int run() throws Throwable;
    }

    public void init() { call("cuInit", () -> (int) cuInit.invoke(0)); }

    public int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            call("cuDriverGetVersion", () -> (int) cuDriverGetVersion.invoke(v));
            return v.get(JAVA_INT, 0);
        }
    }

    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            call("cuDeviceGetCount", () -> (int) cuDeviceGetCount.invoke(n));
            return n.get(JAVA_INT, 0);
        }
    }

    public int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(JAVA_INT);
            call("cuDeviceGet", () -> (int) cuDeviceGet.invoke(d, ordinal));
            return d.get(JAVA_INT, 0);
        }
    }

    public String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(256);
            call("cuDeviceGetName", () -> (int) cuDeviceGetName.invoke(s, 256, device));
            return s.getString(0);
        }
    }

    public int attribute(int device, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            call("cuDeviceGetAttribute", () -> (int) cuDeviceGetAttribute.invoke(v, attribute, device));
            return v.get(JAVA_INT, 0);
        }
    }

    /** Retains the device's primary context and makes it current on this thread. */
    public MemorySegment retainPrimaryContext(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(ADDRESS);
            call("cuDevicePrimaryCtxRetain", () -> (int) cuDevicePrimaryCtxRetain.invoke(c, device));
            MemorySegment ctx = c.get(ADDRESS, 0);
            setCurrent(ctx);
            return ctx;
        }
    }

    public void setCurrent(MemorySegment context) { call("cuCtxSetCurrent", () -> (int) cuCtxSetCurrent.invoke(context)); }

    public void releasePrimaryContext(int device) { call("cuDevicePrimaryCtxRelease", () -> (int) cuDevicePrimaryCtxRelease.invoke(device)); }

    public void synchronize() { call("cuCtxSynchronize", () -> (int) cuCtxSynchronize.invoke()); }

    public long malloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            call("cuMemAlloc(" + bytes + " bytes)", () -> (int) cuMemAlloc.invoke(p, Math.max(bytes, 1)));
            return p.get(JAVA_LONG, 0);
        }
    }

    public void free(long ptr) { call("cuMemFree", () -> (int) cuMemFree.invoke(ptr)); }

    /** Page-locked host memory, so that asynchronous copies really are asynchronous. */
    public MemorySegment mallocHost(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            call("cuMemAllocHost(" + bytes + " bytes)", () -> (int) cuMemAllocHost.invoke(p, bytes));
            return p.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    public void freeHost(MemorySegment p) { call("cuMemFreeHost", () -> (int) cuMemFreeHost.invoke(p)); }

    public void copyToDevice(long dst, MemorySegment src, long bytes) {
        call("cuMemcpyHtoD", () -> (int) cuMemcpyHtoD.invoke(dst, src, bytes));
    }

    public void copyToHost(MemorySegment dst, long src, long bytes) {
        call("cuMemcpyDtoH", () -> (int) cuMemcpyDtoH.invoke(dst, src, bytes));
    }

    public void copyOnDevice(long dst, long src, long bytes) {
        call("cuMemcpyDtoD", () -> (int) cuMemcpyDtoD.invoke(dst, src, bytes));
    }

    public void copyToDeviceAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        call("cuMemcpyHtoDAsync", () -> (int) cuMemcpyHtoDAsync.invoke(dst, src, bytes, stream));
    }

    public void copyToHostAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        call("cuMemcpyDtoHAsync", () -> (int) cuMemcpyDtoHAsync.invoke(dst, src, bytes, stream));
    }

    public void memset(long dst, byte value, long bytes) {
        call("cuMemsetD8", () -> (int) cuMemsetD8.invoke(dst, value, bytes));
    }

    /** Loads a module from a NUL-terminated PTX image (the driver compiles it for this GPU). */
    public MemorySegment loadModule(MemorySegment image, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(ADDRESS);
            call("cuModuleLoadData(" + what + ")", () -> (int) cuModuleLoadData.invoke(m, image));
            return m.get(ADDRESS, 0);
        }
    }

    /** The kernel, or null when the module has none of that name. */
    public MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(ADDRESS);
            int r = (int) cuModuleGetFunction.invoke(f, module, a.allocateFrom(name));
            if (r == 500) return null;  // CUDA_ERROR_NOT_FOUND
            check(r, "cuModuleGetFunction(" + name + ")");
            return f.get(ADDRESS, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public void unloadModule(MemorySegment module) { call("cuModuleUnload", () -> (int) cuModuleUnload.invoke(module)); }

    public void launch(MemorySegment f, String name, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                       MemorySegment stream, MemorySegment params) {
        call("cuLaunchKernel(" + name + ")", () -> (int) cuLaunchKernel.invoke(f, gx, gy, gz, bx, by, bz, sharedBytes, stream, params, MemorySegment.NULL));
    }

    /** Whether the driver has cuLaunchKernelEx (CUDA 12), which {@link #launchProgrammatic} needs. */
    public boolean hasLaunchEx() { return cuLaunchKernelEx != null; }

    /**
     * Launches {@code f} with programmatic stream serialization: it may start before the kernel
     * before it in {@code stream} has finished, so its code must wait for that kernel
     * ({@code griddepcontrol.wait}) before touching what it wrote. Also when the stream is being
     * captured: the graph keeps the edge programmatic. The config lives in {@code arena}.
     */
    public void launchProgrammatic(MemorySegment f, String name, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                                   MemorySegment stream, MemorySegment params, Arena arena) {
        MemorySegment attr = arena.allocate(LAUNCH_ATTRIBUTE);
        attr.set(JAVA_INT, 0, LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION);
        attr.set(JAVA_INT, LAUNCH_ATTRIBUTE.byteOffset(MemoryLayout.PathElement.groupElement("value")), 1);
        MemorySegment config = arena.allocate(LAUNCH_CONFIG);
        int[] dims = {gx, gy, gz, bx, by, bz, sharedBytes};
        for (int i = 0; i < dims.length; i++) config.setAtIndex(JAVA_INT, i, dims[i]);
        config.set(ADDRESS, offset("hStream"), stream);
        config.set(ADDRESS, offset("attrs"), attr);
        config.set(JAVA_INT, offset("numAttrs"), 1);
        call("cuLaunchKernelEx(" + name + ")", () -> (int) cuLaunchKernelEx.invoke(config, f, params, MemorySegment.NULL));
    }

    private static long offset(String field) { return LAUNCH_CONFIG.byteOffset(MemoryLayout.PathElement.groupElement(field)); }

    public MemorySegment createStream() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ADDRESS);
            call("cuStreamCreate", () -> (int) cuStreamCreate.invoke(s, STREAM_NON_BLOCKING));
            return s.get(ADDRESS, 0);
        }
    }

    public void synchronize(MemorySegment stream) { call("cuStreamSynchronize", () -> (int) cuStreamSynchronize.invoke(stream)); }

    public void destroyStream(MemorySegment stream) { call("cuStreamDestroy", () -> (int) cuStreamDestroy.invoke(stream)); }

    public void beginCapture(MemorySegment stream) {
        call("cuStreamBeginCapture", () -> (int) cuStreamBeginCapture.invoke(stream, CAPTURE_MODE_RELAXED));
    }

    /** Ends a capture and instantiates the graph; the graph itself is destroyed (the executable keeps what it needs). */
    public MemorySegment endCaptureAndInstantiate(MemorySegment stream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment g = a.allocate(ADDRESS), e = a.allocate(ADDRESS);
            call("cuStreamEndCapture", () -> (int) cuStreamEndCapture.invoke(stream, g));
            MemorySegment graph = g.get(ADDRESS, 0);
            call("cuGraphInstantiateWithFlags", () -> (int) cuGraphInstantiate.invoke(e, graph, 0L));
            call("cuGraphDestroy", () -> (int) cuGraphDestroy.invoke(graph));
            return e.get(ADDRESS, 0);
        }
    }

    public void launchGraph(MemorySegment exec, MemorySegment stream) { call("cuGraphLaunch", () -> (int) cuGraphLaunch.invoke(exec, stream)); }

    public void destroyGraphExec(MemorySegment exec) { call("cuGraphExecDestroy", () -> (int) cuGraphExecDestroy.invoke(exec)); }

    public MemorySegment createEvent() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(ADDRESS);
            call("cuEventCreate", () -> (int) cuEventCreate.invoke(e, 0));
            return e.get(ADDRESS, 0);
        }
    }

    public void record(MemorySegment event, MemorySegment stream) { call("cuEventRecord", () -> (int) cuEventRecord.invoke(event, stream)); }

    public void synchronizeEvent(MemorySegment event) { call("cuEventSynchronize", () -> (int) cuEventSynchronize.invoke(event)); }

    public float elapsedMs(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            call("cuEventElapsedTime", () -> (int) cuEventElapsedTime.invoke(ms, start, end));
            return ms.get(JAVA_FLOAT, 0);
        }
    }

    public void destroyEvent(MemorySegment event) { call("cuEventDestroy", () -> (int) cuEventDestroy.invoke(event)); }
}
