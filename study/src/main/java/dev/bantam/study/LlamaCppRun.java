package dev.bantam.study;

import dev.bantam.study.llamacpp.LlamaCppBinaries;
import dev.bantam.study.llamacpp.LlamaServer;
import dev.bantam.study.llamacpp.PerplexityOutput;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A study child's job on the {@code llama.cpp} backend. Speed: start {@code llama-server} on the
 * variant's GGUF file, measure it exactly as the {@code openai} backend measures any server
 * ({@link OpenAiRun}), stop it. Accuracy: {@code llama-perplexity} on the job's text, context and
 * windows; its PPL goes into the run as reported (no per-token values, so no KL or top-1). The
 * child reports through {@link WorkerProtocol} like every worker, so a crash or hang of either
 * tool becomes FAILED or TIMEOUT rows in the parent.
 */
final class LlamaCppRun {
    private LlamaCppRun() {}

    static void run(WorkerJob job, PrintStream reports) {
        var bin = LlamaCppBinaries.get();
        if (!bin.found()) {
            StudyWorker.failAll(job, reports, new IllegalStateException("llama.cpp is not available: " + bin.problem()));
            return;
        }
        if (job.accuracy() != null) {
            reports.println(WorkerProtocol.loaded(0));
            StudyWorker.runAll(job, reports, run -> perplexity(bin.perplexity(), job));
            return;
        }
        long t0 = System.nanoTime();
        LlamaServer server;
        OpenAiRun client;
        try {
            int port = LlamaServer.freePort();
            List<String> cmd = new ArrayList<>(List.of(bin.server().toString()));
            cmd.addAll(LlamaServer.arguments(Path.of(job.modelPath()), port, job.threads(), job.contextSize(), job.maxBatch(), Gpu.present()));
            server = LlamaServer.start(cmd, port, Path.of("llama-server-" + ProcessHandle.current().pid() + ".log"), Duration.ofMinutes(10));
            client = OpenAiRun.connect(new WorkerJob(job.backend(), job.modelPath(), job.options(), job.threads(), job.contextSize(),
                    job.maxBatch(), job.seed(), job.runs(), job.from(), null, server.url(), job.serverModel()));
        } catch (Exception e) {
            StudyWorker.failAll(job, reports, e);
            return;
        }
        reports.println(WorkerProtocol.loaded(System.nanoTime() - t0));
        try (server) {
            StudyWorker.runAll(job, reports, run -> {
                if (!server.alive()) throw new IllegalStateException("llama-server is no longer running");
                return client.execute(run);
            });
        }
    }

    /** llama-perplexity's command: the same text, window size and number of windows as Bantam's accuracy pass. */
    static List<String> perplexityCommand(Path binary, WorkerJob job) {
        AccuracyJob a = job.accuracy();
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-m", job.modelPath(), "-f", a.textPath(),
                "-c", Integer.toString(a.ctx()), "--chunks", Integer.toString(a.windows()), "-t", Integer.toString(job.threads())));
        if (a.ctx() > 2048) cmd.addAll(List.of("-b", Integer.toString(a.ctx()))); // a window must fit one batch
        if (Gpu.present()) cmd.addAll(List.of("-ngl", "99"));
        return cmd;
    }

    private static RunOutcome perplexity(Path binary, WorkerJob job) throws Exception {
        Path log = Path.of("llama-perplexity-" + ProcessHandle.current().pid() + ".log");
        Process p = new ProcessBuilder(perplexityCommand(binary, job)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        int code = p.waitFor();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (code != 0) throw new IllegalStateException("llama-perplexity exited with code " + code + ": " + out.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no output"));
        var r = PerplexityOutput.parse(out);
        if (r.ctx() != job.accuracy().ctx()) throw new IllegalStateException("llama-perplexity ran n_ctx=%d, asked for %d".formatted(r.ctx(), job.accuracy().ctx()));
        return RunOutcome.reportedPerplexity(r.ppl(), r.pplError(), r.scoredTokens(), null);
    }
}
