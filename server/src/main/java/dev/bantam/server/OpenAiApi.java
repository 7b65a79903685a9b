package dev.bantam.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bantam.chat.ToolCall;
import dev.bantam.chat.ToolCallParser;
import dev.bantam.chat.template.ChatTemplateException;
import dev.bantam.core.generate.SamplerSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns the bodies of {@code /v1/chat/completions} and {@code /v1/completions} into a
 * {@link GenerationRequest} (every field checked, a bad one named in a 400), and the scheduler's
 * events into OpenAI's response objects and stream chunks.
 */
final class OpenAiApi {
    static final int MAX_TOP_LOGPROBS = 20;
    private final ObjectMapper json;
    private final ServedModel model;
    private final int maxTokensLimit;

    /** @param maxTokensLimit the largest {@code max_tokens} a request may ask for ({@link ServerConfig#maxTokens()}) */
    OpenAiApi(ObjectMapper json, ServedModel model, int maxTokensLimit) {
        this.json = json;
        this.model = model;
        this.maxTokensLimit = maxTokensLimit;
    }

    enum Endpoint { CHAT, COMPLETION }

    /** A parsed request: what to generate and how to answer. */
    record Parsed(Endpoint endpoint, GenerationRequest generation, boolean stream, boolean includeUsage, boolean tools) {}

    Parsed parse(Endpoint endpoint, JsonNode body) {
        Fields f = new Fields(body);
        String requested = f.string("model", null);
        if (requested != null && !requested.equals(model.id()) && !requested.equals(model.id() + ".gguf")) {
            throw new ApiError(404, "invalid_request_error", "model", "model_not_found",
                    "The model '" + requested + "' does not exist; this server serves '" + model.id() + "'");
        }
        int n = f.integer("n", 1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (n != 1) throw ApiError.invalid("n", "'n' must be 1 (one choice per request), got " + n);
        String maxName = f.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = f.integer(maxName, maxTokensLimit, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (maxTokens <= 0) throw ApiError.invalid(maxName, "'" + maxName + "' must be >= 1, got " + maxTokens);
        // refused rather than clamped, as OpenAI does: a client that asks for more than it can get is told so
        if (maxTokens > maxTokensLimit) throw ApiError.invalid(maxName, "'%s' must be at most %d (the server's --max-tokens-limit), got %d"
                .formatted(maxName, maxTokensLimit, maxTokens));
        if (endpoint == Endpoint.COMPLETION && !f.has(maxName)) maxTokens = 16; // OpenAI's default for completions
        float temperature = (float) f.number("temperature", 0.8, 0, 2);
        float topP = (float) f.number("top_p", 0.95, Double.MIN_VALUE, 1);
        int topK = f.integer("top_k", 40, 0, Integer.MAX_VALUE);
        float minP = (float) f.number("min_p", 0.05, 0, 0.999999);
        float repeat = (float) f.number("repeat_penalty", 1, Double.MIN_VALUE, 10);
        float presence = (float) f.number("presence_penalty", 0, -2, 2);
        float frequency = (float) f.number("frequency_penalty", 0, -2, 2);
        Long seed = f.longValue("seed");
        List<String> stops = new ArrayList<>(f.strings("stop", 16));
        boolean stream = f.bool("stream", false);
        boolean includeUsage = false;
        if (f.has("stream_options")) {
            Fields so = new Fields(f.node("stream_options"));
            includeUsage = so.bool("include_usage", false);
        }
        int topLogprobs = -1;
        if (endpoint == Endpoint.CHAT) {
            if (f.bool("logprobs", false)) topLogprobs = f.integer("top_logprobs", 0, 0, MAX_TOP_LOGPROBS);
            else if (f.has("top_logprobs")) throw ApiError.invalid("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        } else if (f.has("logprobs")) {
            topLogprobs = f.integer("logprobs", 0, 0, MAX_TOP_LOGPROBS);
        }
        boolean ignoreEos = f.bool("ignore_eos", false);
        SamplerSettings sampling = new SamplerSettings(temperature, topK, topP, minP, repeat, 64,
                seed != null ? seed : new SplittableRandom().nextLong());

        int[] prompt;
        Set<Integer> stopTokens = Set.of();
        boolean tools = false;
        if (endpoint == Endpoint.CHAT) {
            List<Map<String, Object>> messages = messages(f.node("messages"));
            List<Map<String, Object>> toolList = null;
            if (f.has("tools")) {
                if (!f.node("tools").isArray()) throw ApiError.invalid("tools", "'tools' must be a list, got " + Fields.kind(f.node("tools")));
                toolList = new ArrayList<>();
                for (JsonNode t : f.node("tools")) toolList.add(object(t, "tools"));
                tools = !toolList.isEmpty();
            }
            Map<String, Object> kwargs = f.has("chat_template_kwargs") ? object(f.node("chat_template_kwargs"), "chat_template_kwargs") : Map.of();
            String rendered;
            try {
                rendered = model.format().template().render(messages, toolList, true, kwargs);
            } catch (ChatTemplateException e) {
                throw ApiError.invalid("messages", "chat template: " + e.getMessage());
            }
            prompt = model.format().encode(rendered);
            stopTokens = model.format().stopTokens();
            stops.addAll(model.format().stopTexts());
        } else {
            prompt = completionPrompt(f.node("prompt"));
        }
        if (prompt.length >= model.slots().contextSize()) {
            throw new ApiError(400, "invalid_request_error", endpoint == Endpoint.CHAT ? "messages" : "prompt", "context_length_exceeded",
                    "the prompt has %d tokens but the context holds %d".formatted(prompt.length, model.slots().contextSize()));
        }
        return new Parsed(endpoint, new GenerationRequest(prompt, sampling, presence, frequency, maxTokens, stopTokens, stops,
                topLogprobs, ignoreEos), stream, includeUsage, tools);
    }

    private List<Map<String, Object>> messages(JsonNode node) {
        if (node == null) throw ApiError.invalid("messages", "'messages' is required");
        if (!node.isArray() || node.isEmpty()) throw ApiError.invalid("messages", "'messages' must be a non-empty list, got " + Fields.kind(node));
        List<Map<String, Object>> out = new ArrayList<>();
        int i = 0;
        for (JsonNode m : node) {
            String at = "messages[" + i++ + "]";
            if (!m.isObject()) throw ApiError.invalid(at, "'" + at + "' must be an object, got " + Fields.kind(m));
            if (!m.path("role").isTextual()) throw ApiError.invalid(at + ".role", "'" + at + ".role' must be a string");
            Map<String, Object> msg = object(m, at);
            JsonNode content = m.get("content");
            if (content != null && content.isArray()) {
                // content parts: the text ones joined (no images here)
                StringBuilder text = new StringBuilder();
                for (JsonNode part : content) {
                    if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                        throw ApiError.invalid(at + ".content", "'" + at + ".content' parts must be {\"type\": \"text\", \"text\": ...}");
                    }
                    text.append(part.get("text").textValue());
                }
                msg.put("content", text.toString());
            } else if (content != null && !content.isTextual() && !content.isNull()) {
                throw ApiError.invalid(at + ".content", "'" + at + ".content' must be a string or a list of parts, got " + Fields.kind(content));
            }
            // the template reads tool-call arguments as a mapping (Qwen3 writes them with tojson)
            if (msg.get("tool_calls") instanceof List<?> calls) {
                for (Object c : calls) {
                    if (c instanceof Map<?, ?> call && call.get("function") instanceof Map<?, ?> fn && fn.get("arguments") instanceof String s) {
                        try {
                            @SuppressWarnings("unchecked") Map<String, Object> f = (Map<String, Object>) fn;
                            f.put("arguments", json.readValue(s, Map.class));
                        } catch (java.io.IOException e) {
                            throw ApiError.invalid(at + ".tool_calls", "tool call arguments must be a JSON object: " + e.getMessage().lines().findFirst().orElse(""));
                        }
                    }
                }
            }
            out.add(msg);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(JsonNode n, String name) {
        if (!n.isObject()) throw ApiError.invalid(name, "'" + name + "' must be an object, got " + Fields.kind(n));
        return json.convertValue(n, LinkedHashMap.class);
    }

    private int[] completionPrompt(JsonNode p) {
        if (p == null) throw ApiError.invalid("prompt", "'prompt' is required");
        var tok = model.slots().tokenizer();
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) p = p.get(0);
        if (p.isTextual()) return tok.encode(p.textValue(), tok.addBosByDefault(), false);
        if (p.isArray() && !p.isEmpty()) {
            int[] ids = new int[p.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode e = p.get(i);
                if (!e.isIntegralNumber() || e.asLong() < 0 || e.asLong() >= tok.vocabSize()) {
                    throw ApiError.invalid("prompt", "'prompt' token ids must be integers in [0, " + tok.vocabSize() + "), got " + e);
                }
                ids[i] = e.intValue();
            }
            return ids;
        }
        throw ApiError.invalid("prompt", "'prompt' must be a string or a non-empty list of token ids, got " + Fields.kind(p));
    }

    // ---- responses ----

    ObjectNode header(Parsed p, String id, long created, boolean chunk) {
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("object", p.endpoint() == Endpoint.CHAT ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion");
        o.put("created", created);
        o.put("model", model.id());
        o.put("system_fingerprint", "bantam-" + model.backend());
        return o;
    }

    ObjectNode usage(GenerationEvent.Done d) {
        ObjectNode u = json.createObjectNode();
        u.put("prompt_tokens", d.promptTokens());
        u.put("completion_tokens", d.completionTokens());
        u.put("total_tokens", d.promptTokens() + d.completionTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", d.reusedTokens());
        return u;
    }

    /** One stream chunk with {@code text} (and its logprob), or the closing one with {@code finish}. */
    ObjectNode chunk(Parsed p, String id, long created, String text, GenerationEvent.TokenLogprob lp, boolean first,
                     String finish, List<ToolCall> calls) {
        ObjectNode o = header(p, id, created, true);
        ObjectNode c = o.putArray("choices").addObject();
        c.put("index", 0);
        if (p.endpoint() == Endpoint.CHAT) {
            ObjectNode delta = c.putObject("delta");
            if (first) delta.put("role", "assistant");
            if (text != null) delta.put("content", text);
            if (calls != null) delta.set("tool_calls", toolCalls(calls, true));
            if (lp != null) c.putObject("logprobs").putArray("content").add(chatLogprob(lp));
            else c.putNull("logprobs");
        } else {
            c.put("text", text == null ? "" : text);
            if (lp != null) c.set("logprobs", completionLogprobs(List.of(lp)));
            else c.putNull("logprobs");
        }
        if (finish == null) c.putNull("finish_reason"); else c.put("finish_reason", finish);
        return o;
    }

    ObjectNode usageChunk(Parsed p, String id, long created, GenerationEvent.Done d) {
        ObjectNode o = header(p, id, created, true);
        o.putArray("choices");
        o.set("usage", usage(d));
        return o;
    }

    /** The whole (non-streamed) response. */
    ObjectNode whole(Parsed p, String id, long created, String text, List<GenerationEvent.TokenLogprob> lps, GenerationEvent.Done d) {
        ObjectNode o = header(p, id, created, false);
        ObjectNode c = o.putArray("choices").addObject();
        c.put("index", 0);
        String finish = d.finishReason();
        if (p.endpoint() == Endpoint.CHAT) {
            ObjectNode m = c.putObject("message");
            m.put("role", "assistant");
            ToolCallParser parser = toolCalls(p);
            parser.feed(text);
            parser.finish();
            if (!parser.calls().isEmpty()) {
                String content = parser.content().strip();
                if (content.isEmpty()) m.putNull("content"); else m.put("content", content);
                m.set("tool_calls", toolCalls(parser.calls(), false));
                finish = "tool_calls";
            } else {
                m.put("content", text);
            }
            m.putNull("refusal");
            if (p.generation().logprobs()) {
                ArrayNode content = c.putObject("logprobs").putArray("content");
                for (var lp : lps) content.add(chatLogprob(lp));
            } else c.putNull("logprobs");
        } else {
            c.put("text", text);
            if (p.generation().logprobs()) c.set("logprobs", completionLogprobs(lps));
            else c.putNull("logprobs");
        }
        c.put("finish_reason", finish);
        o.set("usage", usage(d));
        return o;
    }

    /** Takes the template's tool-call syntax out of a reply (the chat API's parser); a no-op without tools. */
    ToolCallParser toolCalls(Parsed p) {
        return new ToolCallParser(p.tools() ? model.format().toolCalls() : dev.bantam.chat.ToolCallSyntax.NONE, p.tools());
    }

    private ArrayNode toolCalls(List<ToolCall> calls, boolean streamed) {
        ArrayNode a = json.createArrayNode();
        int i = 0;
        for (ToolCall call : calls) {
            ObjectNode c = a.addObject();
            if (streamed) c.put("index", i++);
            c.put("id", call.id());
            c.put("type", "function");
            ObjectNode fn = c.putObject("function");
            fn.put("name", call.name());
            fn.put("arguments", call.arguments());
        }
        return a;
    }

    private ObjectNode chatLogprob(GenerationEvent.TokenLogprob lp) {
        ObjectNode o = json.createObjectNode();
        o.put("token", lp.token());
        o.put("logprob", lp.logprob());
        bytes(o.putArray("bytes"), lp.bytes());
        ArrayNode top = o.putArray("top_logprobs");
        for (var alt : lp.top()) {
            ObjectNode t = top.addObject();
            t.put("token", alt.token());
            t.put("logprob", alt.logprob());
            bytes(t.putArray("bytes"), alt.bytes());
        }
        return o;
    }

    private ObjectNode completionLogprobs(List<GenerationEvent.TokenLogprob> lps) {
        ObjectNode o = json.createObjectNode();
        ArrayNode tokens = o.putArray("tokens"), values = o.putArray("token_logprobs"), top = o.putArray("top_logprobs");
        for (var lp : lps) {
            tokens.add(lp.token());
            values.add(lp.logprob());
            ObjectNode alts = top.addObject();
            for (var alt : lp.top()) alts.put(alt.token(), alt.logprob());
        }
        return o;
    }

    private static void bytes(ArrayNode a, byte[] b) {
        for (byte x : b) a.add(x & 0xff);
    }
}
