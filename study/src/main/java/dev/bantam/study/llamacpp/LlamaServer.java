package dev.bantam.study.llamacpp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code llama-server} for one study variant: started on a free loopback port, ready when
 * {@code GET /health} answers 200 (it answers 503 while loading), stopped when the variant is
 * done. Its output goes to a log file; a server that exits before it is ready is reported with
 * its exit code and last log line, one that never gets ready within the wait is killed.
 */
public final class LlamaServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private LlamaServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * llama-server's arguments: the model, {@code -ngl 99} with a GPU (every layer offloaded),
     * the threads, one slot per sequence of the largest batch ({@code -np}) with {@code ctx}
     * positions each ({@code -c} is their total).
     */
    public static List<String> arguments(Path model, int port, int threads, int ctx, int parallel, boolean gpu) {
        List<String> a = new ArrayList<>(List.of("-m", model.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                "-t", Integer.toString(threads), "-c", Integer.toString(ctx * parallel), "-np", Integer.toString(parallel)));
        if (gpu) a.addAll(List.of("-ngl", "99"));
        return a;
    }

    /** Starts {@code command} (the binary, then {@link #arguments}) and waits for /health. */
    public static LlamaServer start(List<String> command, int port, Path log, Duration wait) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        var server = new LlamaServer(p, port, log);
        // a JVM that exits by itself takes its server with it; a killed one is handled by the parent (ChildJvm kills descendants)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { if (p.isAlive()) p.destroyForcibly(); }));
        try {
            server.awaitHealthy(wait);
            return server;
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    /** A port the kernel just gave out on loopback (closed again, so the server can bind it). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String url() { return "http://127.0.0.1:" + port; }

    private void awaitHealthy(Duration wait) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("llama-server exited with code %d before it was ready: %s".formatted(process.exitValue(), lastLine()));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("llama-server was not ready within %d s: %s".formatted(wait.toSeconds(), lastLine()));
    }

    String lastLine() {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) if (!lines.get(i).isBlank()) return lines.get(i).strip();
        } catch (IOException e) {
            // no log
        }
        return "no output";
    }

    public boolean alive() { return process.isAlive(); }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
