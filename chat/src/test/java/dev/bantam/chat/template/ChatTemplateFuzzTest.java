package dev.bantam.chat.template;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bantam.testing.FuzzChecks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A chat template from a model file is untrusted code: any text must render or fail with one
 * ChatTemplateException line, within the limits (a loop, a raise, deep recursion or nesting), never
 * with a StackOverflowError, an OutOfMemoryError or another exception.
 */
class ChatTemplateFuzzTest {
    /** Small enough that a hostile template ends in well under a second. */
    private static final TemplateLimits LIMITS = new TemplateLimits(1 << 20, 10_000, 16, 200_000, Duration.ofSeconds(2));
    private static final List<Map<String, Object>> MESSAGES = List.of(
            Map.of("role", "system", "content", "Be brief."),
            Map.of("role", "user", "content", "Who is Mr Darcy?"),
            Map.of("role", "assistant", "content", "A gentleman.", "tool_calls", List.of(Map.of("name", "f", "arguments", Map.of("x", 1)))),
            Map.of("role", "user", "content", "And Mr Bingley?"));

    @FuzzTest(maxDuration = "5s")
    void template(byte[] data) {
        String source = new String(data, StandardCharsets.UTF_8);
        try {
            ChatTemplate t = ChatTemplate.of(source, "<s>", "</s>", LIMITS);
            String out = t.render(MESSAGES, List.of(Map.of("name", "f", "description", "a tool")), true, Map.of("enable_thinking", false));
            if (out.length() > LIMITS.maxOutputChars()) throw new AssertionError("output of " + out.length() + " chars past the limit");
        } catch (ChatTemplateException expected) {
            FuzzChecks.oneLine(expected.getMessage());
        }
    }
}
