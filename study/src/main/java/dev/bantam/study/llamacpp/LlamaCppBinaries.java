package dev.bantam.study.llamacpp;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where llama.cpp's {@code llama-server} and {@code llama-perplexity} are: the folder of system
 * property {@code bantam.llama.cpp.dir} (a study spec's {@code llama_cpp_dir} sets it), else of
 * environment variable {@code LLAMA_CPP_DIR}, else the {@code PATH}. Found once per JVM; the
 * version is what {@code llama-server --version} prints.
 */
public record LlamaCppBinaries(Path server, Path perplexity, String version, String problem) {
    public static final String DIR_PROPERTY = "bantam.llama.cpp.dir";
    private static volatile LlamaCppBinaries cached;
    private static volatile String cachedFor;

    public static LlamaCppBinaries get() {
        String dir = folder();
        LlamaCppBinaries b = cached;
        if (b == null || !java.util.Objects.equals(cachedFor, dir)) {
            cached = b = find(dir);
            cachedFor = dir;
        }
        return b;
    }

    public boolean found() { return problem == null; }

    private static String folder() {
        String d = System.getProperty(DIR_PROPERTY);
        if (d == null || d.isBlank()) d = System.getenv("LLAMA_CPP_DIR");
        return d == null || d.isBlank() ? null : d;
    }

    static LlamaCppBinaries find(String dir) {
        Optional<Path> server = locate("llama-server", dir), ppl = locate("llama-perplexity", dir);
        String where = dir != null ? "in " + dir : "on the PATH (set LLAMA_CPP_DIR, -D" + DIR_PROPERTY + " or the spec's llama_cpp_dir)";
        if (server.isEmpty() || ppl.isEmpty()) {
            String missing = server.isEmpty() && ppl.isEmpty() ? "llama-server and llama-perplexity" : server.isEmpty() ? "llama-server" : "llama-perplexity";
            return new LlamaCppBinaries(server.orElse(null), ppl.orElse(null), null, "no " + missing + " " + where);
        }
        return new LlamaCppBinaries(server.get(), ppl.get(), version(server.get()), null);
    }

    private static Optional<Path> locate(String name, String dir) {
        if (dir != null) {
            for (Path p : new Path[] {Path.of(dir, name), Path.of(dir, "bin", name)}) if (Files.isExecutable(p)) return Optional.of(p);
            return Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** "llama.cpp version: 4920 (d84635b1)" from the first line that says "version", or "unknown". */
    private static String version(Path server) {
        try {
            Process p = new ProcessBuilder(server.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
            return "llama.cpp " + out.lines().filter(l -> l.contains("version")).findFirst().map(String::strip).orElse("version unknown");
        } catch (Exception e) {
            return "llama.cpp (version unknown: " + e.getMessage() + ")";
        }
    }
}
