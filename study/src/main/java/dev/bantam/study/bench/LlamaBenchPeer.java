package dev.bantam.study.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs llama.cpp's llama-bench on the same file, test and thread count right after Bantam, so a
 * comparison comes from one command on one machine state. Its JSON output gives the raw
 * per-repetition times, which become ordinary {@link TestResult}s with backend "llama.cpp".
 */
public final class LlamaBenchPeer {
    public static final String BACKEND = "llama.cpp";
    private static final long TIMEOUT_MINUTES = 60;

    private final Path executable;

    public LlamaBenchPeer(Path executable) {
        if (!Files.isExecutable(executable)) throw new IllegalArgumentException(executable + ": not an executable llama-bench");
        this.executable = executable;
    }

    public TestResult run(Path model, ModelInfo info, int threads, BenchTest test, int repetitions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "-m", model.toString(), "-t", Integer.toString(threads),
                "-r", Integer.toString(repetitions), "-o", "json"));
        if (test.nPrompt() > 0 && test.nGen() > 0) {
            cmd.addAll(List.of("-p", "0", "-n", "0", "-pg", test.nPrompt() + "," + test.nGen()));
        } else {
            cmd.addAll(List.of("-p", Integer.toString(test.nPrompt()), "-n", Integer.toString(test.nGen())));
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("llama-bench did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for llama-bench", e);
        }
        if (p.exitValue() != 0) throw new IOException("llama-bench exited with " + p.exitValue() + ": " + String.join(" ", cmd));
        return parse(json, info, threads, test);
    }

    static TestResult parse(String json, ModelInfo info, int threads, BenchTest test) throws IOException {
        JsonNode array = new ObjectMapper().readTree(json);
        for (JsonNode r : array) {
            if (r.path("n_prompt").asInt() == test.nPrompt() && r.path("n_gen").asInt() == test.nGen()) {
                JsonNode samples = r.path("samples_ns");
                long[] ns = new long[samples.size()];
                for (int i = 0; i < ns.length; i++) ns[i] = samples.get(i).asLong();
                if (ns.length == 0) throw new IOException("llama-bench output has no samples_ns for " + test.name());
                return new TestResult(BACKEND, info, threads, test, r.path("test_time").asText(), ns, null);
            }
        }
        throw new IOException("llama-bench output has no result for " + test.name());
    }
}
