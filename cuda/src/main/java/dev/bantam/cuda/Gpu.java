package dev.bantam.cuda;

import dev.bantam.cuda.ffi.CudaDriver;
import dev.bantam.cuda.ffi.CudaException;
import dev.bantam.cuda.ffi.Nvrtc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One GPU as a session uses it: the primary context, one stream, the kernel modules, and every
 * device allocation (freed together on close). Kernels are launched through {@link #kernels()},
 * one typed method per kernel; they pack their arguments for the private launch as Java
 * values: {@code Long} for pointers and 64-bit integers, {@code Integer}, {@code Float}.
 * With profiling on, each launch is bracketed by events and its time summed under its name.
 */
public final class Gpu implements AutoCloseable {
    private final CudaDriver cu;
    private final int device;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final Arena arena = Arena.ofShared();
    private final List<MemorySegment> modules = new ArrayList<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();
    /** Device allocations and their sizes, so a session can say how much device memory it holds. */
    private final java.util.Map<Long, Long> allocations = new java.util.LinkedHashMap<>();
    private final List<MemorySegment> hostAllocations = new ArrayList<>();
    private final String name;
    private final int ccMajor, ccMinor;
    private final DeviceKernels kernels = new DeviceKernels(this::launch);
    private List<Timed> profile;
    private boolean programmatic;
    private String kernelsDescription;

    private record Timed(String kernel, MemorySegment start, MemorySegment end) {}

    public Gpu(CudaDriver cu, int ordinal) {
        this.cu = cu;
        cu.init();
        this.device = cu.device(ordinal);
        this.name = cu.deviceName(device);
        this.ccMajor = cu.attribute(device, CudaDriver.ATTRIBUTE_CC_MAJOR);
        this.ccMinor = cu.attribute(device, CudaDriver.ATTRIBUTE_CC_MINOR);
        this.context = cu.retainPrimaryContext(device);
        this.stream = cu.createStream();
        loadModules();
    }

    /**
     * Loads every kernel file: the jar's PTX for the newest virtual architecture this GPU runs
     * ({@code -Dbantam.cuda.ptx=75} takes compute_75 on any GPU, to compare), or the sources
     * compiled by NVRTC for the GPU itself. Code for compute capability 9.0 or later waits for
     * the previous kernel itself, so its launches may overlap ({@code -Dbantam.cuda.pdl=false}
     * keeps them serialized). {@code -Dbantam.cuda.define=A,B=1} compiles the sources by NVRTC with
     * those macros, to compare kernel variants on one build (the sources' NO_PREFETCH, ...).
     */
    private void loadModules() {
        List<String> defines = java.util.Arrays.stream(System.getProperty("bantam.cuda.define", "").split(","))
                .map(String::strip).filter(d -> !d.isEmpty()).toList();
        boolean nvrtc = Boolean.getBoolean("bantam.cuda.nvrtc") || !defines.isEmpty() || !KernelSources.hasPrebuiltPtx();
        Nvrtc compiler = nvrtc ? Nvrtc.load() : null;
        int arch = nvrtc ? 10 * ccMajor + ccMinor : ptxArchitecture();
        List<String> headers = KernelSources.HEADERS.stream().map(KernelSources::header).toList();
        for (String file : KernelSources.FILES) {
            MemorySegment image = nvrtc
                    ? compiler.compile(file + ".cu", KernelSources.source(file), KernelSources.HEADERS, headers, ccMajor, ccMinor, defines, arena)
                    : arena.allocateFrom(KernelSources.ptx(file, arch));
            modules.add(cu.loadModule(image, file + (nvrtc ? ".cu via NVRTC" : " (compute_" + arch + " PTX)")));
        }
        this.programmatic = arch >= 90 && cu.hasLaunchEx() && !"false".equals(System.getProperty("bantam.cuda.pdl"));
        this.kernelsDescription = (nvrtc ? "NVRTC for compute_" : "PTX for compute_") + arch + (defines.isEmpty() ? "" : " " + defines)
                + (programmatic ? ", launches overlap (programmatic dependent launch)" : ", launches serialized");
    }

    private int ptxArchitecture() {
        int best = KernelSources.ptxArchitectureFor(ccMajor, ccMinor);
        String wanted = System.getProperty("bantam.cuda.ptx");
        if (wanted == null) return best;
        int a;
        try {
            a = Integer.parseInt(wanted.strip());
        } catch (NumberFormatException e) {
            a = -1;
        }
        if (!KernelSources.PTX_ARCHITECTURES.contains(a) || a > best)
            throw new CudaException("-Dbantam.cuda.ptx=" + wanted + ": expected one of " + KernelSources.PTX_ARCHITECTURES
                    + " up to " + best + " (this GPU's compute capability is " + computeCapability() + ")");
        return a;
    }

    /** Which kernel code runs and whether launches overlap, for reports. */
    public String kernelsDescription() { return kernelsDescription; }

    public CudaDriver driver() { return cu; }

    public MemorySegment stream() { return stream; }

    public String name() { return name; }

    public String computeCapability() { return ccMajor + "." + ccMinor; }

    public int multiprocessors() { return cu.attribute(device, CudaDriver.ATTRIBUTE_SM_COUNT); }

    private MemorySegment function(String kernel) {
        return functions.computeIfAbsent(kernel, k -> {
            for (MemorySegment m : modules) {
                MemorySegment f = cu.function(m, k);
                if (f != null) return f;
            }
            throw new CudaException("no kernel named " + k + " in " + KernelSources.FILES);
        });
    }

    /** The kernels, launched on the session's stream. */
    DeviceKernels kernels() { return kernels; }

    /** Launches {@code kernel} on the session's stream over a grid of {@code grid} blocks of {@code block} threads. */
    private void launch(String kernel, int[] grid, int block, Object... args) {
        MemorySegment f = function(kernel);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, Math.max(1, args.length));
            for (int i = 0; i < args.length; i++) {
                MemorySegment slot = switch (args[i]) {
                    case Long l -> a.allocateFrom(JAVA_LONG, l);
                    case Integer n -> a.allocateFrom(JAVA_INT, n);
                    case Float x -> a.allocateFrom(JAVA_FLOAT, x);
                    default -> throw new IllegalArgumentException(kernel + ": argument " + i + " has unsupported type " + args[i].getClass());
                };
                params.setAtIndex(ADDRESS, i, slot);
            }
            Timed t = profile == null ? null : new Timed(kernel, cu.createEvent(), cu.createEvent());
            if (t != null) cu.record(t.start(), stream);
            int gy = grid.length > 1 ? grid[1] : 1, gz = grid.length > 2 ? grid[2] : 1;
            if (programmatic) cu.launchProgrammatic(f, kernel, grid[0], gy, gz, block, 1, 1, 0, stream, params, a);
            else cu.launch(f, kernel, grid[0], gy, gz, block, 1, 1, 0, stream, params);
            if (t != null) {
                cu.record(t.end(), stream);
                profile.add(t);
            }
        }
    }

    /** Starts timing every launch (not for use while a graph is being captured). */
    public void startProfile() { profile = new ArrayList<>(); }

    /** Milliseconds per kernel name since {@link #startProfile()}, in first-launch order. */
    public Map<String, double[]> stopProfile() {
        cu.synchronize(stream);
        Map<String, double[]> byKernel = new java.util.LinkedHashMap<>();
        for (Timed t : profile) {
            double[] v = byKernel.computeIfAbsent(t.kernel(), k -> new double[2]);
            v[0] += cu.elapsedMs(t.start(), t.end());
            v[1]++;
            cu.destroyEvent(t.start());
            cu.destroyEvent(t.end());
        }
        profile = null;
        return byKernel;
    }

    public long alloc(long bytes) {
        long p = cu.malloc(bytes);
        allocations.put(p, bytes);
        return p;
    }

    /** Page-locked host memory, freed on close. */
    public MemorySegment allocHost(long bytes) {
        MemorySegment p = cu.mallocHost(bytes);
        hostAllocations.add(p);
        return p;
    }

    public void free(long ptr) {
        if (allocations.remove(ptr) != null) cu.free(ptr);
    }

    /** Bytes of device memory allocated through this object and not yet freed. */
    public long allocatedBytes() {
        long sum = 0;
        for (long b : allocations.values()) sum += b;
        return sum;
    }

    public long upload(MemorySegment data) {
        long p = alloc(data.byteSize());
        cu.copyToDevice(p, data, data.byteSize());
        return p;
    }

    public long upload(float[] values) {
        try (Arena a = Arena.ofConfined()) {
            return upload(a.allocateFrom(JAVA_FLOAT, values));
        }
    }

    public void synchronize() { cu.synchronize(stream); }

    /** Makes the context current on the calling thread (a session may be driven from several threads in turn). */
    public void makeCurrent() { cu.setCurrent(context); }

    @Override
    public void close() {
        try {
            cu.synchronize(stream);
        } finally {
            for (long p : allocations.keySet()) cu.free(p);
            allocations.clear();
            for (MemorySegment p : hostAllocations) cu.freeHost(p);
            hostAllocations.clear();
            for (MemorySegment m : modules) cu.unloadModule(m);
            cu.destroyStream(stream);
            cu.releasePrimaryContext(device);
            arena.close();
        }
    }
}
