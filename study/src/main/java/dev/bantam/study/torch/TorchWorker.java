package dev.bantam.study.torch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.study.Json;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Java end of the worker's line protocol (documented in {@code bantam_torch_worker.py}):
 * writes one JSON request per line to the worker's stdin, reads one JSON line back and, when it
 * announces {@code logits_bytes}, that many raw float32 bytes. A worker error is thrown as
 * {@link WorkerException} with the worker's one-line message; a worker that exits is reported
 * with its exit code.
 */
final class TorchWorker implements AutoCloseable {
    /** The worker said no; the session stays usable. */
    static final class WorkerException extends RuntimeException {
        WorkerException(String message) { super(message); }
    }

    /** A response: its JSON header and, for logits, the values. */
    record Reply(JsonNode header, float[] logits) {}

    private final Process process;
    private final OutputStream in;
    private final InputStream out;

    private TorchWorker(Process process) {
        this.process = process;
        this.in = process.getOutputStream();
        this.out = new BufferedInputStream(process.getInputStream(), 1 << 16);
    }

    /**
     * Starts {@code python script}; the worker's stderr goes to this JVM's stderr (a study child's log).
     * {@code BANTAM_TORCH_WORKER_DIR} tells the script where the shipped worker lies, for scripts that reuse its protocol loop.
     */
    static TorchWorker start(String python, Path script, Path workerDir) throws IOException {
        var pb = new ProcessBuilder(python, "-u", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("BANTAM_TORCH_WORKER_DIR", workerDir.toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        return new TorchWorker(pb.start());
    }

    synchronized Reply call(ObjectNode request) {
        try {
            in.write((Json.line(request) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            String line = readLine();
            if (line == null) throw new WorkerException("the torch worker exited (code " + exitCode() + ") during '" + request.path("op").asText() + "'; its stderr says why");
            JsonNode header = Json.MAPPER.readTree(line);
            float[] logits = null;
            if (header.has("logits_bytes")) {
                int n = header.get("logits_bytes").asInt();
                byte[] raw = out.readNBytes(n);
                if (raw.length != n) throw new WorkerException("the torch worker sent %d of %d logit bytes".formatted(raw.length, n));
                logits = new float[n / Float.BYTES];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(logits);
            }
            if (!header.path("ok").asBoolean(false)) throw new WorkerException("torch worker: " + header.path("error").asText("no error message"));
            return new Reply(header, logits);
        } catch (IOException e) {
            throw new WorkerException("torch worker: " + e.getMessage());
        }
    }

    static ObjectNode request(String op) {
        return Json.MAPPER.createObjectNode().put("op", op);
    }

    static ObjectNode tokens(String op, Object tokens) {
        ObjectNode r = request(op);
        r.set("tokens", Json.MAPPER.valueToTree(tokens));
        return r;
    }

    /** A line of UTF-8 up to '\n' (null at end of stream); the stream then stands at the next byte, raw logits included. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        for (int b; (b = out.read()) != '\n'; ) {
            if (b < 0) return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) call(request("close"));
        } catch (RuntimeException e) {
            // a worker that cannot say goodbye is stopped below
        }
        try {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

}
