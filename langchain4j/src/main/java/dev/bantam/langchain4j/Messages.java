package dev.bantam.langchain4j;

import dev.bantam.chat.ChatMessage;
import dev.bantam.chat.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** LangChain4j's messages as the chat template reads them (system, user, the AI's turns with tool calls, tool results). */
final class Messages {
    private Messages() {}

    static List<Map<String, Object>> toTemplate(List<dev.langchain4j.data.message.ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (var m : messages) out.add(toBantam(m).toTemplateValue());
        return out;
    }

    static ChatMessage toBantam(dev.langchain4j.data.message.ChatMessage message) {
        return switch (message) {
            case SystemMessage s -> ChatMessage.system(s.text());
            case UserMessage u -> ChatMessage.user(text(u));
            case AiMessage a -> ChatMessage.assistant(a.text(), calls(a.toolExecutionRequests()));
            case ToolExecutionResultMessage r -> ChatMessage.toolResult(r.id() != null ? r.id() : r.toolName(), r.text());
            default -> throw new IllegalArgumentException("Bantam cannot send a " + message.type() + " message to a model"
                    + " (expected system, user, AI or tool execution result messages)");
        };
    }

    /** A user message's text; models here read text only. */
    private static String text(UserMessage u) {
        if (u.hasSingleText()) return u.singleText();
        StringBuilder text = new StringBuilder();
        for (Content c : u.contents()) {
            if (!(c instanceof TextContent t)) {
                throw new IllegalArgumentException("Bantam models read text only; the user message has " + c.type() + " content");
            }
            text.append(t.text());
        }
        return text.toString();
    }

    private static List<ToolCall> calls(List<ToolExecutionRequest> requests) {
        List<ToolCall> calls = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            ToolExecutionRequest r = requests.get(i);
            String arguments = r.arguments() == null || r.arguments().isBlank() ? "{}" : r.arguments();
            calls.add(new ToolCall(r.id() != null ? r.id() : "call_" + i, r.name(), arguments));
        }
        return calls;
    }
}
