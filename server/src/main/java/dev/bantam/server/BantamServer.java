package dev.bantam.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code bantam serve}: the OpenAI-compatible HTTP API on Helidon SE's webserver, which runs every
 * request on a virtual thread, so a handler simply blocks on its job's events. The listener starts
 * before the model is loaded: {@code /health} says 503 until it is ready.
 */
public final class BantamServer implements AutoCloseable {
    /** How long a non-streamed reply goes without a write to its connection (see {@link #whole}). */
    static final long HEARTBEAT_MILLIS = 1000;
    /** The status /metrics counts a request under when its client left before the reply was sent (nginx's 499). */
    static final int CLIENT_CLOSED = 499;
    private final ObjectMapper json = RequestJson.mapper();
    private final ServerConfig config;
    private final Metrics metrics = new Metrics();
    private final WebServer web;
    private final SlowClientGuard slowClients;
    private final RequestDeadline deadline;
    private volatile ServedModel model;
    private volatile Scheduler scheduler;
    private volatile OpenAiApi api;

    private BantamServer(ServerConfig config) {
        this.config = config;
        this.slowClients = new SlowClientGuard(config.readTimeout());
        this.deadline = new RequestDeadline(config.requestTimeout());
        this.web = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(config.maxBodyBytes())
                .maxTcpConnections(config.maxConnections())
                .connectionOptions(slowClients.socketOptions())
                .addProtocol(Http1Config.builder().addReceiveListener(slowClients).build())
                .directHandlers(TransportErrors.all(json, config.maxBodyBytes()))
                .routing(this::routes)
                .build();
    }

    /**
     * Starts listening, then loads the model with {@code loader} (on this thread) and starts
     * serving it. A loader that fails, with an exception or an error (a class missing from a
     * trimmed runtime, out of memory), stops the listener: the server's threads would otherwise
     * keep the process alive answering "loading" for ever.
     */
    public static BantamServer start(ServerConfig config, Callable<ServedModelHandle> loader) throws Exception {
        BantamServer s = new BantamServer(config);
        s.web.start();
        try {
            s.serve(loader.call().model());
        } catch (Throwable t) {
            s.close();
            throw t;
        }
        return s;
    }

    /** What {@link #start}'s loader returns: a model opened with {@link #open}. */
    public record ServedModelHandle(ServedModel model) {}

    public static ServedModelHandle open(java.nio.file.Path file, dev.bantam.core.backend.InferenceBackend backend,
                                         dev.bantam.core.backend.SessionOptions options) throws IOException {
        return new ServedModelHandle(ServedModel.open(file, backend, options));
    }

    private void serve(ServedModel m) {
        this.api = new OpenAiApi(json, m, config.maxTokens() > 0 ? config.maxTokens() : m.slots().contextSize());
        this.scheduler = new Scheduler(m.slots(), config.queue(), metrics);
        this.model = m;
    }

    public int port() { return web.port(); }

    /** The id clients name in {@code model}. */
    public String modelId() { return model.id(); }

    public boolean batched() { return model.slots().batched(); }

    private void routes(HttpRouting.Builder r) {
        r.addFilter((chain, req, res) -> {
            String path = req.path().path();
            if (config.apiKey() != null && !path.equals("/health") && !authorized(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
                error(res, new ApiError(401, "invalid_request_error", null, "invalid_api_key", "missing or wrong API key: send 'Authorization: Bearer KEY'"));
            } else if (model == null && !path.equals("/health") && !path.equals("/metrics")) {
                error(res, new ApiError(503, "server_error", null, "loading", "the model is still loading"));
            } else {
                try {
                    chain.proceed();
                } catch (ServerConnectionException gone) {
                    // the client left mid-reply (its job is cancelled): nobody to answer; Helidon closes the connection
                    metrics.request(CLIENT_CLOSED);
                    throw gone;
                } catch (RuntimeException e) {
                    if (!res.isSent()) error(res, e instanceof ApiError a ? a : new ApiError(500, "server_error", null, null, "internal error: " + e));
                }
            }
            metrics.request(res.status().code());
            slowClients.answered(req);
        });
        // handlers throw ApiError for bad requests; anything else is the server's fault, never a crash
        r.error(ApiError.class, (req, res, e) -> error(res, e));
        r.error(RuntimeException.class, (req, res, e) -> error(res, new ApiError(500, "server_error", null, null, "internal error: " + e)));
        r.get("/health", (req, res) -> {
            boolean ready = model != null;
            res.status(ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
            send(res, json.createObjectNode().put("status", ready ? "ok" : "loading"));
        });
        r.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.text().getBytes(StandardCharsets.UTF_8));
        });
        r.get("/v1/models", (req, res) -> {
            ObjectNode o = json.createObjectNode().put("object", "list");
            o.putArray("data").addObject().put("id", model.id()).put("object", "model").put("created", 0).put("owned_by", "bantam");
            send(res, o);
        });
        r.post("/v1/chat/completions", (req, res) -> generate(OpenAiApi.Endpoint.CHAT, req, res));
        r.post("/v1/completions", (req, res) -> generate(OpenAiApi.Endpoint.COMPLETION, req, res));
        r.post("/tokenize", (req, res) -> {
            Fields f = new Fields(body(req));
            String content = f.string("content", null);
            if (content == null) throw ApiError.invalid("content", "'content' is required");
            var tok = model.slots().tokenizer();
            ArrayNode ids = json.createObjectNode().putArray("tokens");
            // add_special adds BOS where the model wants one (llama-server's rule), so the ids prompt /v1/completions as the text would
            boolean addSpecial = f.bool("add_special", false) && tok.addBosByDefault();
            for (int id : tok.encode(content, addSpecial, true)) ids.add(id);
            ObjectNode o = json.createObjectNode();
            o.set("tokens", ids);
            send(res, o);
        });
        r.post("/detokenize", (req, res) -> {
            Fields f = new Fields(body(req));
            JsonNode t = f.node("tokens");
            if (t == null || !t.isArray()) throw ApiError.invalid("tokens", "'tokens' must be a list of token ids");
            var tok = model.slots().tokenizer();
            int[] ids = new int[t.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode e = t.get(i);
                if (!e.isIntegralNumber() || e.asLong() < 0 || e.asLong() >= tok.vocabSize()) throw ApiError.invalid("tokens", "token ids must be integers in [0, " + tok.vocabSize() + "), got " + e);
                ids[i] = e.intValue();
            }
            send(res, json.createObjectNode().put("content", tok.decode(ids)));
        });
    }

    private void generate(OpenAiApi.Endpoint endpoint, ServerRequest req, ServerResponse res) throws IOException, InterruptedException {
        OpenAiApi.Parsed p = api.parse(endpoint, body(req));
        Job job = new Job(p.generation());
        if (!scheduler.submit(job)) {
            res.header(HeaderNames.RETRY_AFTER, "1");
            error(res, new ApiError(429, "rate_limit_exceeded", null, "queue_full", "the server's queue of " + config.queue() + " requests is full; retry later"));
            return;
        }
        String id = (endpoint == OpenAiApi.Endpoint.CHAT ? "chatcmpl-" : "cmpl-") + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (p.stream()) stream(p, job, id, created, res);
        else whole(p, job, id, created, res);
    }

    /**
     * The whole reply in one body. While it is generated (or waits for a slot) a blank is written
     * every {@link #HEARTBEAT_MILLIS}: JSON allows leading whitespace, and a write is the only way
     * a blocking handler learns that its client has gone, so that the job is cancelled and its slot
     * freed instead of generating for no one. The status is then sent with the first blank, so a
     * failure after it comes as a 200 whose body is the error.
     */
    private void whole(OpenAiApi.Parsed p, Job job, String id, long created, ServerResponse res) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        List<GenerationEvent.TokenLogprob> lps = new ArrayList<>();
        OutputStream early = null;
        long heartbeat = System.nanoTime() + HEARTBEAT_MILLIS * 1_000_000;
        while (true) {
            if (System.nanoTime() >= heartbeat) {
                if (early == null) {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    early = res.outputStream();
                }
                if (!written(early, BLANK, false)) {
                    job.cancel();
                    return;
                }
                heartbeat = System.nanoTime() + HEARTBEAT_MILLIS * 1_000_000;
            }
            switch (deadline.poll(job, heartbeat - System.nanoTime())) {
                case null -> { }
                case GenerationEvent.Text t -> {
                    text.append(t.text());
                    if (t.logprob() != null) lps.add(t.logprob());
                }
                case GenerationEvent.Done d -> {
                    ObjectNode body = api.whole(p, id, created, text.toString(), lps, d);
                    if (early == null) send(res, body);
                    else written(early, bytes(body), true);
                    return;
                }
                case GenerationEvent.Failed f -> {
                    if (early == null) error(res, f.error());
                    else written(early, bytes(f.error().body(json)), true);
                    return;
                }
            }
        }
    }

    private static final byte[] BLANK = {' '};

    /** Writes and flushes (or closes, when {@code last}); false when the client has gone. */
    private static boolean written(OutputStream out, byte[] bytes, boolean last) {
        try {
            out.write(bytes);
            if (last) out.close();
            else out.flush();
            return true;
        } catch (IOException | RuntimeException closed) {
            // Helidon reports a closed connection as an IOException or its own unchecked exceptions
            return false;
        }
    }

    private byte[] bytes(ObjectNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Server-sent events: one {@code data:} chunk per piece of text, then {@code data: [DONE]}. A failed write cancels the job. */
    private void stream(OpenAiApi.Parsed p, Job job, String id, long created, ServerResponse res) throws InterruptedException {
        GenerationEvent first = deadline.next(job);
        if (first instanceof GenerationEvent.Failed f) {
            error(res, f.error());
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        // the chat API's parser keeps tool calls out of the streamed content; they come at the end
        var parser = api.toolCalls(p);
        try (OutputStream out = res.outputStream()) {
            boolean firstChunk = true;
            GenerationEvent e = first;
            while (true) {
                switch (e) {
                    case GenerationEvent.Text t -> {
                        String shown = parser.feed(t.text());
                        if (!shown.isEmpty() || t.logprob() != null) {
                            write(out, api.chunk(p, id, created, shown, t.logprob(), firstChunk, null, null));
                            firstChunk = false;
                        }
                    }
                    case GenerationEvent.Done d -> {
                        String finish = d.finishReason();
                        String rest = parser.finish();
                        if (!rest.isEmpty() || !parser.calls().isEmpty()) {
                            write(out, api.chunk(p, id, created, rest.isEmpty() ? null : rest, null, firstChunk, null,
                                    parser.calls().isEmpty() ? null : parser.calls()));
                            firstChunk = false;
                        }
                        if (!parser.calls().isEmpty()) finish = "tool_calls";
                        write(out, api.chunk(p, id, created, null, null, firstChunk, finish, null));
                        if (p.includeUsage()) write(out, api.usageChunk(p, id, created, d));
                        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        return;
                    }
                    case GenerationEvent.Failed f -> {
                        write(out, f.error().body(json));
                        return;
                    }
                }
                e = deadline.next(job);
            }
        } catch (IOException | java.io.UncheckedIOException closed) {
            job.cancel();
        } catch (RuntimeException other) {
            // Helidon reports a closed connection with its own exceptions
            job.cancel();
        }
    }

    private void write(OutputStream out, ObjectNode chunk) throws IOException {
        out.write(("data: " + json.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private JsonNode body(ServerRequest req) {
        String text = req.content().as(String.class);
        slowClients.read(req);
        return RequestJson.parse(json, text);
    }

    private void send(ServerResponse res, ObjectNode body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(bytes(body));
    }

    private void error(ServerResponse res, ApiError e) {
        res.status(Status.create(e.status()));
        send(res, e.body(json));
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Bearer ")) return false;
        // constant time, so the key cannot be guessed byte by byte from timings
        return MessageDigest.isEqual(header.substring(7).getBytes(StandardCharsets.UTF_8), config.apiKey().getBytes(StandardCharsets.UTF_8));
    }

    /** Blocks until the server stops. */
    public void await() throws InterruptedException {
        while (web.isRunning()) Thread.sleep(500);
    }

    @Override
    public void close() {
        web.stop();
        slowClients.close();
        if (scheduler != null) scheduler.close();
        else if (model != null) model.close();
    }
}
