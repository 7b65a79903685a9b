package dev.bantam.study.torch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.study.Json;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What Python the torch backends would use, and what it has: found once per JVM and kept,
 * because {@code availability()} is asked several times per study. Fast by construction: the
 * {@code PATH} is searched in Java, and the one Python start reads the packages' versions with
 * {@code importlib.metadata} without importing torch (which alone takes seconds). The probe also
 * returns {@code sys.executable}, so the worker later starts the interpreter itself rather than
 * a version manager's shim.
 *
 * <p>The interpreter: system property {@code bantam.torch.python}, else environment variable
 * {@code BANTAM_PYTHON}, else {@code python3} on the {@code PATH}.
 */
public record PythonProbe(String python, String executable, String pythonVersion, String torch, String transformers,
                          String numpy, String problem) {

    private static final String SCRIPT = """
            import sys, json, importlib.util as u, importlib.metadata as m
            def v(n):
                if u.find_spec(n) is None: return None
                try: return m.version(n)
                except Exception: return "unknown"
            print(json.dumps({"executable": sys.executable, "python": sys.version.split()[0],
                              "torch": v("torch"), "transformers": v("transformers"), "numpy": v("numpy")}))
            """;

    private static volatile PythonProbe cached;

    public static PythonProbe get() {
        PythonProbe p = cached;
        if (p == null) cached = p = probe(configured());
        return p;
    }

    /** Whether torch and transformers are importable; otherwise {@link #problem} says what is missing. */
    public boolean ready() { return problem == null; }

    /** Python alone, for workers that need no torch (the test suite's stub). */
    public boolean hasPython() { return executable != null; }

    public String versions() {
        return "torch %s, transformers %s, python %s".formatted(torch, transformers, pythonVersion);
    }

    static String configured() {
        String p = System.getProperty("bantam.torch.python");
        if (p == null || p.isBlank()) p = System.getenv("BANTAM_PYTHON");
        return p == null || p.isBlank() ? "python3" : p;
    }

    static PythonProbe probe(String python) {
        Optional<Path> exe = locate(python);
        if (exe.isEmpty()) {
            return failed(python, "no " + python + " on the PATH (install Python 3 with torch and transformers, or set BANTAM_PYTHON / -Dbantam.torch.python)");
        }
        try {
            Process p = new ProcessBuilder(exe.get().toString(), "-c", SCRIPT).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return failed(python, exe.get() + " did not answer within 20 s");
            }
            if (p.exitValue() != 0 || out.isEmpty()) return failed(python, exe.get() + " exited with code " + p.exitValue() + " when asked for its packages");
            JsonNode j = Json.MAPPER.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
            String version = j.path("python").asText(null), torch = text(j, "torch"), transformers = text(j, "transformers"), numpy = text(j, "numpy");
            String problem = null;
            if (torch == null || transformers == null) {
                problem = "python %s (%s) has %s; pip install torch transformers".formatted(version, j.path("executable").asText(),
                        torch == null && transformers == null ? "no torch and no transformers"
                                : torch == null ? "no torch (transformers " + transformers + ")" : "no transformers (torch " + torch + ")");
            } else if (numpy == null) {
                problem = "python %s has torch %s and transformers %s but no numpy".formatted(version, torch, transformers);
            } else if (major(transformers) < 4 || (major(transformers) == 4 && minor(transformers) < 45)) {
                problem = "transformers %s is too old (4.45 or newer: static cache with cache positions, logits_to_keep)".formatted(transformers);
            }
            return new PythonProbe(python, j.path("executable").asText(exe.get().toString()), version, torch, transformers, numpy, problem);
        } catch (Exception e) {
            return failed(python, "could not run " + exe.get() + ": " + e.getMessage());
        }
    }

    private static PythonProbe failed(String python, String why) {
        return new PythonProbe(python, null, null, null, null, null, why);
    }

    private static String text(JsonNode j, String key) {
        return j.hasNonNull(key) ? j.get(key).asText() : null;
    }

    /** A path, or a name searched on the PATH (no process started for that). */
    static Optional<Path> locate(String python) {
        if (python.contains(File.separator)) {
            Path p = Path.of(python);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, python);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static int major(String v) { return part(v, 0); }

    private static int minor(String v) { return part(v, 1); }

    private static int part(String v, int i) {
        String[] parts = v.split("[.+]");
        try {
            return parts.length > i ? Integer.parseInt(parts[i].replaceAll("\\D.*", "")) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
