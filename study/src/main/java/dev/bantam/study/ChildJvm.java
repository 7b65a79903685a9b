package dev.bantam.study;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a {@link WorkerJob} in a child JVM (same java, class path and JVM flags as this one) and
 * turns whatever happens into exactly one outcome per run: the worker's result; TIMEOUT when a
 * run (or loading) takes longer than the timeout — the child is killed and a new one goes on
 * with the next run; FAILED when the child dies mid-run, with its exit code and last stderr line.
 */
final class ChildJvm {
    private final Path workDir;
    private final long timeoutNanos;

    ChildJvm(Path workDir, int timeoutSeconds) {
        this.workDir = workDir;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
    }

    /** Listens to a job: each run's start (for progress) and its outcome, in order. */
    interface Listener {
        void started(RunRequest run);

        void finished(RunRequest run, RunOutcome outcome);
    }

    void execute(WorkerJob job, String name, Listener listener) throws IOException, InterruptedException {
        Path log = workDir.resolve(StudyFiles.LOGS).resolve(name + ".log");
        Files.createDirectories(log.getParent());
        int[] timeoutsInARow = {0};
        Listener counting = new Listener() {
            @Override public void started(RunRequest run) { listener.started(run); }

            @Override public void finished(RunRequest run, RunOutcome outcome) {
                timeoutsInARow[0] = outcome.status() == RunOutcome.Status.TIMEOUT ? timeoutsInARow[0] + 1 : 0;
                listener.finished(run, outcome);
            }
        };
        int next = 0, attempt = 0;
        while (next < job.runs().size()) {
            if (timeoutsInARow[0] >= MAX_TIMEOUTS_IN_A_ROW) {
                // a backend that hangs twice will hang again; do not spend the timeout on every run
                for (int i = next; i < job.runs().size(); i++) listener.finished(job.runs().get(i), RunOutcome.failed(RunOutcome.Status.FAILED,
                        "not run: the %d runs before it timed out".formatted(MAX_TIMEOUTS_IN_A_ROW)));
                return;
            }
            next = runChild(job.from(next), name, log, counting, attempt++);
        }
    }

    static final int MAX_TIMEOUTS_IN_A_ROW = 2;
    /** Starting the JVM and loading (an ONNX export on first use, a large file) may take longer than one run. */
    static final long MIN_LOAD_NANOS = TimeUnit.SECONDS.toNanos(120);

    /** Returns the index of the first run this child did not finish (all remaining failed if it made no progress). */
    private int runChild(WorkerJob job, String name, Path log, Listener listener, int attempt) throws IOException, InterruptedException {
        Path jobFile = workDir.resolve(StudyFiles.WORK).resolve("jobs").resolve(name + "-" + attempt + ".json");
        Files.createDirectories(jobFile.getParent());
        Files.writeString(jobFile, Json.pretty(job));
        // the child works in the log folder, so a crash report (hs_err_pid*.log) lands beside its log
        Process p = new ProcessBuilder(command(jobFile.toAbsolutePath())).directory(log.getParent().toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        p.getOutputStream().close();
        BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(Optional.of(l));
            } catch (IOException e) {
                // the child died; the end marker below tells the loop
            }
            lines.add(Optional.empty());
        });

        int next = job.from();
        RunRequest current = null;
        boolean loaded = false;
        long deadline = System.nanoTime() + Math.max(timeoutNanos, MIN_LOAD_NANOS);
        try {
            while (next < job.runs().size()) {
                Optional<String> line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) { // timed out
                    kill(p);
                    long seconds = TimeUnit.NANOSECONDS.toSeconds(timeoutNanos);
                    if (current != null || loaded) {
                        listener.finished(current != null ? current : job.runs().get(next), RunOutcome.failed(RunOutcome.Status.TIMEOUT,
                                "the run took longer than %d s; the backend process was killed".formatted(seconds)));
                        return next + 1;
                    }
                    // loading hung: another child would hang the same way
                    for (int i = next; i < job.runs().size(); i++) listener.finished(job.runs().get(i), RunOutcome.failed(RunOutcome.Status.TIMEOUT,
                            "loading the backend took longer than %d s; the backend process was killed".formatted(TimeUnit.NANOSECONDS.toSeconds(Math.max(timeoutNanos, MIN_LOAD_NANOS)))));
                    return job.runs().size();
                }
                if (line.isEmpty()) { // the child's output ended: it exited
                    int code = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
                    String why = "the backend process exited with code %d%s: %s".formatted(code,
                            current != null ? " during the run" : " before running", lastLine(log));
                    if (current != null) {
                        listener.finished(current, RunOutcome.failed(RunOutcome.Status.FAILED, why));
                        return next + 1;
                    }
                    for (int i = next; i < job.runs().size(); i++) listener.finished(job.runs().get(i), RunOutcome.failed(RunOutcome.Status.FAILED, why));
                    return job.runs().size();
                }
                var event = WorkerProtocol.parse(line.get());
                if (event.isEmpty()) {
                    Files.writeString(log, line.get() + "\n", java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.CREATE);
                    continue;
                }
                var e = event.get();
                switch (e.event()) {
                    case "loaded" -> {
                        loaded = true;
                        deadline = System.nanoTime() + timeoutNanos;
                    }
                    case "start" -> {
                        current = job.runs().get(next);
                        listener.started(current);
                        deadline = System.nanoTime() + timeoutNanos;
                    }
                    case "result" -> {
                        listener.finished(job.runs().get(next), e.outcome());
                        current = null;
                        next++;
                        deadline = System.nanoTime() + timeoutNanos;
                    }
                    default -> { }
                }
            }
            p.waitFor(30, TimeUnit.SECONDS);
            return next;
        } finally {
            if (p.isAlive()) kill(p);
            reader.join(5_000);
        }
    }

    private static List<String> command(Path jobFile) {
        String javaBin = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // a debugger agent would make the child wait on the parent's port
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent")) cmd.add(arg);
        }
        // settings made in this JVM (a spec's llama.cpp folder, a test's stub worker) reach the backends in the child too
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("bantam.") && cmd.stream().noneMatch(a -> a.startsWith("-D" + key + "="))) cmd.add("-D" + key + "=" + System.getProperty(key));
        }
        cmd.add("-cp");
        cmd.add(java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        cmd.add(StudyWorker.class.getName());
        cmd.add(jobFile.toString());
        return cmd;
    }

    /** The child and what it started (a llama-server, a Python worker), so that none of them outlives a killed run holding a GPU. */
    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) if (!lines.get(i).isBlank()) return lines.get(i).strip();
        } catch (IOException e) {
            // no log
        }
        return "no output";
    }
}
