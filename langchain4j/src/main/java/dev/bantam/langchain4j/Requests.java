package dev.bantam.langchain4j;

import dev.bantam.chat.SamplingOptions;
import dev.bantam.chat.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;

import java.util.List;
import java.util.Map;

/** LangChain4j's request parameters as Bantam's sampling options, stop texts and tools. */
final class Requests {
    private Requests() {}

    /** {@code base} (the builder's options: seed, min-p, repeat penalty) with what the request sets. */
    static SamplingOptions sampling(ChatRequestParameters p, SamplingOptions base) {
        if (p.frequencyPenalty() != null || p.presencePenalty() != null) {
            throw new IllegalArgumentException("Bantam has no frequency or presence penalty (expected them unset; the builder's repeatPenalty is its penalty)");
        }
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
            throw new IllegalArgumentException("Bantam cannot constrain a reply to JSON (expected response format TEXT)");
        }
        return new SamplingOptions(
                p.temperature() != null ? p.temperature().floatValue() : base.temperature(),
                p.topK() != null ? p.topK() : base.topK(),
                p.topP() != null ? p.topP().floatValue() : base.topP(),
                base.minP(), base.repeatPenalty(), base.seed(),
                p.maxOutputTokens() != null ? p.maxOutputTokens() : base.maxTokens());
    }

    static List<String> stop(ChatRequestParameters p) {
        return p.stopSequences() == null ? List.of() : p.stopSequences();
    }

    /** The tools as the template reads them, or null for none (templates test {@code if tools}). */
    static List<Map<String, Object>> tools(ChatRequestParameters p) {
        List<ToolSpecification> specs = p.toolSpecifications();
        if (specs == null || specs.isEmpty()) return null;
        return specs.stream().map(Requests::tool).map(Tool::toTemplateValue).toList();
    }

    private static Tool tool(ToolSpecification spec) {
        // LangChain4j's own schema-to-map conversion, the one its OpenAI-compatible clients send
        Map<String, Object> parameters = spec.parameters() == null ? null : JsonSchemaElementUtils.toMap(spec.parameters());
        return new Tool(spec.name(), spec.description(), parameters);
    }
}
