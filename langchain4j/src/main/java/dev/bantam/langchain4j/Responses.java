package dev.bantam.langchain4j;

import dev.bantam.chat.Reply;
import dev.bantam.chat.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.util.List;

/** A Bantam reply as LangChain4j's response: the AI message with its tool execution requests, usage and finish reason. */
final class Responses {
    private Responses() {}

    static ChatResponse of(Reply reply, String modelName) {
        List<ToolExecutionRequest> requests = reply.toolCalls().stream().map(Responses::request).toList();
        AiMessage message = requests.isEmpty() ? AiMessage.from(reply.text())
                : AiMessage.from(reply.text().isEmpty() ? null : reply.text(), requests);
        return ChatResponse.builder()
                .aiMessage(message)
                .modelName(modelName)
                .tokenUsage(new TokenUsage(reply.promptTokens(), reply.generatedTokens()))
                .finishReason(finishReason(reply.finishReason()))
                .build();
    }

    static ToolExecutionRequest request(ToolCall call) {
        return ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments(call.arguments()).build();
    }

    static FinishReason finishReason(dev.bantam.chat.FinishReason reason) {
        return switch (reason) {
            case STOP -> FinishReason.STOP;
            case TOOL_CALLS -> FinishReason.TOOL_EXECUTION;
            case LENGTH -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }
}
