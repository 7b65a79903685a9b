package dev.bantam.cuda.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A shared library of the system, found at run time: the path in a system property if set, else
 * each soname through the dynamic loader's own search (LD_LIBRARY_PATH, ld.so.cache), else each
 * soname in the CUDA toolkit's usual folders. Nothing is bundled: the jar runs where the driver is.
 */
public final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String name;
    private final SymbolLookup lookup;

    private NativeLibrary(String name, SymbolLookup lookup) {
        this.name = name;
        this.lookup = lookup;
    }

    /**
     * @param what      what the library is, for the error message ("the CUDA driver")
     * @param property  system property that may name the file
     * @param sonames   names to try, most specific first
     */
    public static NativeLibrary find(String what, String property, List<String> sonames) {
        String explicit = System.getProperty(property);
        if (explicit != null) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) throw new NativeLibraryException(what + ": " + property + "=" + explicit + " is not a file");
            return new NativeLibrary(p.getFileName().toString(), SymbolLookup.libraryLookup(p, Arena.global()));
        }
        for (String soname : sonames) {
            try {
                return new NativeLibrary(soname, SymbolLookup.libraryLookup(soname, Arena.global()));
            } catch (IllegalArgumentException notOnLoaderPath) {
                // try the toolkit folders below
            }
        }
        for (Path dir : toolkitDirectories()) {
            for (String soname : sonames) {
                Path p = dir.resolve(soname);
                if (Files.isRegularFile(p)) return new NativeLibrary(soname, SymbolLookup.libraryLookup(p, Arena.global()));
            }
        }
        throw new NativeLibraryException("%s not found: none of %s on the loader path or in %s (set -D%s=/path/to/the.so)"
                .formatted(what, String.join(", ", sonames), toolkitDirectories(), property));
    }

    /** $CUDA_HOME, $CUDA_PATH and /usr/local/cuda, each with lib64 and targets/x86_64-linux/lib. */
    static List<Path> toolkitDirectories() {
        List<Path> roots = new ArrayList<>();
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) roots.add(Path.of(v));
        }
        roots.add(Path.of("/usr/local/cuda"));
        List<Path> dirs = new ArrayList<>();
        for (Path r : roots) {
            dirs.add(r.resolve("lib64"));
            dirs.add(r.resolve("targets/x86_64-linux/lib"));
        }
        return dirs;
    }

    public String name() { return name; }

    /** A downcall handle for {@code symbol}; a library without it is the wrong library. */
    public MethodHandle function(String symbol, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(lookup.find(symbol).orElseThrow(() ->
                new NativeLibraryException(name + " has no function " + symbol + " (too old a version?)")), descriptor);
    }

    public boolean has(String symbol) {
        return lookup.find(symbol).isPresent();
    }
}
