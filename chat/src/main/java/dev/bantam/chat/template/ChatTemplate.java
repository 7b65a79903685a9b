package dev.bantam.chat.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's chat template (Jinja), rendered as Hugging Face's {@code apply_chat_template} renders it:
 * the variables {@code messages}, {@code tools}, {@code add_generation_prompt}, {@code bos_token},
 * {@code eos_token}, plus any extra keyword arguments ({@code enable_thinking}). Thread-safe.
 */
public final class ChatTemplate {
    /**
     * ChatML, which llama.cpp and most chat fine-tunes fall back to: what a model without a template
     * of its own is given.
     */
    public static final String CHATML = """
            {%- for message in messages %}
            {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
            {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    private final String source;
    private final String prepared;
    private final String bosToken;
    private final String eosToken;
    private final TemplateLimits limits;
    private final Jinjava jinjava;

    private ChatTemplate(String source, String bosToken, String eosToken, TemplateLimits limits) {
        this.source = Objects.requireNonNull(source, "source");
        this.prepared = TemplateSource.prepare(source);
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.jinjava = JinjaEnvironment.create(limits);
    }

    /** A template with the text of the model's BOS and EOS tokens (empty when it has none). */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        return of(source, bosToken, eosToken, TemplateLimits.DEFAULT);
    }

    public static ChatTemplate of(String source, String bosToken, String eosToken, TemplateLimits limits) {
        return new ChatTemplate(source, bosToken, eosToken, limits);
    }

    public static ChatTemplate chatMl(String bosToken, String eosToken) {
        return of(CHATML, bosToken, eosToken);
    }

    /** The conversation as the model reads it, with the assistant's header when {@code addGenerationPrompt}. */
    public String render(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt) {
        return render(messages, null, addGenerationPrompt, Map.of());
    }

    /**
     * @param messages            {@code role}, {@code content} and whatever else the template reads
     *                            ({@code tool_calls}, {@code reasoning_content}, ...), as JSON-like maps and lists
     * @param tools               JSON schemas of the tools, or null for none
     * @param extra               further variables ({@code enable_thinking}); they override nothing above
     * @throws ChatTemplateException when the template raises an exception, does not parse, or exceeds its limits
     */
    public String render(List<? extends Map<String, ?>> messages, List<? extends Map<String, ?>> tools,
                         boolean addGenerationPrompt, Map<String, ?> extra) {
        Map<String, Object> bindings = new HashMap<>();
        if (extra != null) bindings.putAll(extra);
        bindings.put("messages", messages);
        bindings.put("tools", tools);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.putIfAbsent("bos_token", bosToken);
        bindings.putIfAbsent("eos_token", eosToken);
        TemplateRun run = TemplateRun.start(limits);
        try {
            RenderResult result = jinjava.renderForResult(prepared, bindings);
            if (run.raised() != null) throw new ChatTemplateException("chat template: " + ChatTemplateException.oneLine(run.raised()));
            if (run.exceeded() != null) throw new ChatTemplateException("chat template: " + run.exceeded());
            for (TemplateError e : result.getErrors()) {
                if (stopsRendering(e)) throw new ChatTemplateException(describe(e));
            }
            return result.getOutput();
        } catch (StackOverflowError e) {
            throw new ChatTemplateException("chat template: nested too deeply to render");
        } finally {
            run.end();
        }
    }

    /**
     * jinjava records errors and renders on; Jinja2 stops at the first. Fatal ones stop it, and so do
     * the limits, which jinjava reports as warnings (a macro recursing past its depth, say).
     */
    private static boolean stopsRendering(TemplateError e) {
        return e.getSeverity() == TemplateError.ErrorType.FATAL || switch (e.getReason()) {
            case EXCEPTION, OUTPUT_TOO_BIG, OVER_LIMIT, COLLECTION_TOO_BIG -> true;
            default -> false;
        };
    }

    /** The error's own message, or where jinjava only says "Error rendering tag", that of its cause. */
    private static String describe(TemplateError e) {
        String message = Objects.toString(e.getMessage(), "error");
        Throwable cause = e.getException();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
        if (message.contains("Error rendering tag") && cause != null && cause.getMessage() != null) message = cause.getMessage();
        String where = e.getLineno() > 0 ? " (template line " + e.getLineno() + ")" : "";
        return "chat template: " + ChatTemplateException.oneLine(message) + where;
    }

    /** The template's text as the model file gives it. */
    public String source() { return source; }

    public String bosToken() { return bosToken; }

    public String eosToken() { return eosToken; }

    public TemplateLimits limits() { return limits; }
}
