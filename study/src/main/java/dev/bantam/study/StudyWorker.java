package dev.bantam.study;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of a study: runs one {@link WorkerJob} and reports each run on standard output
 * ({@link WorkerProtocol}). A failure inside a run becomes that run's FAILED result and the
 * worker goes on; a failure to open the backend fails every run. Whatever kills the process
 * (a native crash, {@code System.exit} in a backend, a hang the parent times out) is turned
 * into FAILED / TIMEOUT rows by the parent.
 */
public final class StudyWorker {
    private StudyWorker() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: StudyWorker JOB.json");
            System.exit(2);
        }
        WorkerJob job = Json.MAPPER.readValue(Files.readString(Path.of(args[0])), WorkerJob.class);
        // Backends may print to stdout; the protocol gets its own stream and they get stderr.
        PrintStream reports = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        System.setOut(System.err);
        run(job, reports);
        reports.flush();
        System.exit(0);
    }

    static void run(WorkerJob job, PrintStream reports) {
        if (job.backend().equals(dev.bantam.study.llamacpp.LlamaCppBackend.ID)) {
            LlamaCppRun.run(job, reports);
            return;
        }
        if (job.url() != null) {
            OpenAiRun client;
            try {
                client = OpenAiRun.connect(job);
            } catch (Exception e) {
                failAll(job, reports, e);
                return;
            }
            reports.println(WorkerProtocol.loaded(0));
            runAll(job, reports, client::execute);
            return;
        }
        long t0 = System.nanoTime();
        InferenceSession session;
        try {
            session = open(job);
            session.warmUp();
        } catch (Throwable e) {
            failAll(job, reports, e);
            return;
        }
        reports.println(WorkerProtocol.loaded(System.nanoTime() - t0));
        try (session) {
            // an accuracy job has its one pass as its only run
            runAll(job, reports, job.accuracy() != null
                    ? run -> AccuracyRun.execute(session, job.accuracy())
                    : run -> SpeedRun.execute(session, run, job.seed()));
        }
    }

    /** Runs the job's runs from {@code from} on, each announced before and reported after. */
    static void runAll(WorkerJob job, PrintStream reports, Measurement measurement) {
        for (int i = job.from(); i < job.runs().size(); i++) {
            RunRequest run = job.runs().get(i);
            reports.println(WorkerProtocol.start(run.index()));
            reports.println(WorkerProtocol.result(run.index(), attempt(measurement, run)));
        }
    }

    private static InferenceSession open(WorkerJob job) throws Exception {
        InferenceBackend backend = InferenceBackend.byId(job.backend())
                .orElseThrow(() -> new IllegalArgumentException("no backend '" + job.backend() + "' on the class path"));
        var availability = backend.availability();
        if (!availability.available()) throw new IllegalStateException(job.backend() + " is not available: " + availability.reason());
        var options = new SessionOptions(job.threads(), job.contextSize(), job.maxBatch(), job.options());
        return backend.open(new ModelSource(Path.of(job.modelPath())), options);
    }

    interface Measurement {
        RunOutcome measure(RunRequest run) throws Exception;
    }

    /** The measurement of {@code run}, or a FAILED outcome with what went wrong. */
    private static RunOutcome attempt(Measurement m, RunRequest run) {
        try {
            return m.measure(run);
        } catch (Throwable e) {
            return RunOutcome.failed(RunOutcome.Status.FAILED, describe(e));
        }
    }

    static void failAll(WorkerJob job, PrintStream reports, Throwable e) {
        String error = "could not open the backend: " + describe(e);
        for (int i = job.from(); i < job.runs().size(); i++) {
            reports.println(WorkerProtocol.result(job.runs().get(i).index(), RunOutcome.failed(RunOutcome.Status.FAILED, error)));
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
