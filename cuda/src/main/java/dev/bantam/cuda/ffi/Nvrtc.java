package dev.bantam.cuda.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * NVRTC (libnvrtc): compiles the kernel sources to PTX at run time, for a jar built where nvcc
 * was absent (or with -Dbantam.cuda.nvrtc=true, to test this path on a GPU machine).
 */
public final class Nvrtc {
    private final MethodHandle create, compile, ptxSize, ptx, logSize, log, destroy, errorString;

    private Nvrtc(NativeLibrary lib) {
        create = lib.function("nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = lib.function("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        ptxSize = lib.function("nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptx = lib.function("nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        logSize = lib.function("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = lib.function("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = lib.function("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = lib.function("nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    public static Nvrtc load() {
        return new Nvrtc(NativeLibrary.find("NVRTC (libnvrtc), needed because this jar holds no prebuilt PTX,",
                "bantam.cuda.nvrtc.library", List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so")));
    }

    /**
     * PTX (NUL-terminated) for one source file with its headers, for compute capability
     * {@code major.minor}, with the preprocessor macros {@code defines} (NAME or NAME=VALUE).
     */
    public MemorySegment compile(String name, String source, List<String> headerNames, List<String> headers,
                                 int major, int minor, List<String> defines, Arena into) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ADDRESS);
            MemorySegment hs = a.allocate(ADDRESS, Math.max(1, headers.size())), hn = a.allocate(ADDRESS, Math.max(1, headers.size()));
            for (int i = 0; i < headers.size(); i++) {
                hs.setAtIndex(ADDRESS, i, a.allocateFrom(headers.get(i)));
                hn.setAtIndex(ADDRESS, i, a.allocateFrom(headerNames.get(i)));
            }
            check((int) create.invoke(prog, a.allocateFrom(source), a.allocateFrom(name), headers.size(), hs, hn), "nvrtcCreateProgram(" + name + ")");
            MemorySegment p = prog.get(ADDRESS, 0);
            List<String> optionList = new java.util.ArrayList<>(List.of("--gpu-architecture=compute_" + major + minor, "-default-device", "-std=c++17"));
            for (String d : defines) optionList.add("-D" + d);
            String[] options = optionList.toArray(String[]::new);
            MemorySegment opts = a.allocate(ADDRESS, options.length);
            for (int i = 0; i < options.length; i++) opts.setAtIndex(ADDRESS, i, a.allocateFrom(options[i]));
            int r = (int) compile.invoke(p, options.length, opts);
            if (r != 0) {
                MemorySegment n = a.allocate(JAVA_LONG);
                logSize.invoke(p, n);
                MemorySegment text = a.allocate(Math.max(1, n.get(JAVA_LONG, 0)));
                log.invoke(p, text);
                destroy.invoke(prog);
                throw new CudaException("NVRTC could not compile " + name + ": " + text.getString(0).strip());
            }
            MemorySegment n = a.allocate(JAVA_LONG);
            check((int) ptxSize.invoke(p, n), "nvrtcGetPTXSize");
            MemorySegment out = into.allocate(n.get(JAVA_LONG, 0));
            check((int) ptx.invoke(p, out), "nvrtcGetPTX");
            destroy.invoke(prog);
            return out;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void check(int r, String call) throws Throwable {
        if (r != 0) throw new CudaException(call + " failed: " + ((MemorySegment) errorString.invoke(r)).reinterpret(128).getString(0));
    }
}
