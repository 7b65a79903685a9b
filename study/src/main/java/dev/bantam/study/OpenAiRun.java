package dev.bantam.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.study.bench.RandomTokens;
import dev.bantam.core.model.ModelFile;
import dev.bantam.core.tokenizer.Tokenizer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code openai} backend: measures an OpenAI-compatible server (llama.cpp's server, vLLM)
 * through streaming {@code /v1/completions}. A batch of B is B concurrent requests. Each request
 * sends the prompt as token ids (random ids over the study model's vocabulary), asks for
 * 1 + decode_steps tokens with {@code ignore_eos}, and records when each chunk arrives.
 * TTFT stands in for prefill (it includes the network and the server's sampling); the decode
 * phase runs from each request's first chunk to its last, and its token count comes from the
 * server's {@code usage}, not from counting chunks.
 */
final class OpenAiRun {
    private final HttpClient http;
    private final URI endpoint;
    private final String model;
    private final int vocab, bos;
    private final long seed;
    private final Duration timeout;

    private OpenAiRun(HttpClient http, URI endpoint, String model, int vocab, int bos, long seed, Duration timeout) {
        this.http = http;
        this.endpoint = endpoint;
        this.model = model;
        this.vocab = vocab;
        this.bos = bos;
        this.seed = seed;
        this.timeout = timeout;
    }

    static OpenAiRun connect(WorkerJob job) throws Exception {
        Tokenizer tokenizer;
        try (ModelFile file = ModelFile.open(Path.of(job.modelPath()))) {
            tokenizer = file.tokenizer();
        }
        String base = job.url().replaceAll("/+$", "");
        if (!base.endsWith("/v1")) base += "/v1";
        int bos = tokenizer.addBosByDefault() && tokenizer.bosId() >= 0 ? tokenizer.bosId() : -1;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return new OpenAiRun(http, URI.create(base + "/completions"), job.serverModel(), tokenizer.vocabSize(), bos,
                job.seed(), Duration.ofMinutes(10));
    }

    /** What one streamed request saw: arrival times of its chunks and the server's token counts. */
    private record Stream(long sentNs, List<Long> chunkNs, long completionTokens) {}

    RunOutcome execute(RunRequest run) throws Exception {
        var random = new RandomTokens(seed + run.index(), vocab, bos);
        List<CompletableFuture<Stream>> requests = new ArrayList<>();
        for (int b = 0; b < run.batch(); b++) {
            int[] prompt = random.sequence(run.promptTokens());
            requests.add(CompletableFuture.supplyAsync(() -> stream(prompt, run.decodeSteps() + 1)));
        }
        long sent = Long.MAX_VALUE, lastFirst = 0, decodeNs = 0, decodeTokens = 0;
        List<Long> gaps = new ArrayList<>();
        for (var f : requests) {
            Stream s = f.join();
            if (s.chunkNs.isEmpty()) throw new IllegalStateException("the server streamed no tokens");
            sent = Math.min(sent, s.sentNs);
            lastFirst = Math.max(lastFirst, s.chunkNs.getFirst());
            decodeNs = Math.max(decodeNs, s.chunkNs.getLast() - s.chunkNs.getFirst());
            decodeTokens += Math.max(0, s.completionTokens - 1);
            for (int i = 1; i < s.chunkNs.size(); i++) gaps.add(s.chunkNs.get(i) - s.chunkNs.get(i - 1));
        }
        return RunOutcome.served(lastFirst - sent, 0, gaps.stream().mapToLong(Long::longValue).toArray(), decodeNs, decodeTokens);
    }

    private Stream stream(int[] prompt, int maxTokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (model != null) body.put("model", model);
        body.put("prompt", prompt);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        body.put("ignore_eos", true);
        body.put("stream", true);
        body.put("stream_options", Map.of("include_usage", true));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.line(body))).build();
        List<Long> chunks = new ArrayList<>();
        long completion = -1;
        long sent = System.nanoTime();
        try {
            HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("%s answered HTTP %d: %s".formatted(endpoint, response.statusCode(),
                            reader.lines().findFirst().orElse("")));
                }
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.startsWith("data:")) continue;
                    String data = line.substring(5).trim();
                    if (data.equals("[DONE]")) break;
                    long now = System.nanoTime();
                    JsonNode event = Json.MAPPER.readTree(data);
                    JsonNode choices = event.path("choices");
                    if (choices.isArray() && !choices.isEmpty() && !choices.get(0).path("text").asText("").isEmpty()) chunks.add(now);
                    if (event.path("usage").has("completion_tokens")) completion = event.path("usage").path("completion_tokens").asLong();
                }
            }
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(endpoint + ": " + e.getMessage(), e);
        }
        if (completion < 0) throw new IllegalStateException(endpoint + " sent no usage (token counts); it must support stream_options.include_usage");
        return new Stream(sent, chunks, completion);
    }
}
