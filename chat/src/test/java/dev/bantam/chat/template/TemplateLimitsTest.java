package dev.bantam.chat.template;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A template comes with a downloaded model: one that loops, recurses or grows without end must fail fast, in one line. */
class TemplateLimitsTest {
    private static final List<Map<String, String>> MESSAGES = List.of(Map.of("role", "user", "content", "hi"));
    // the size and recursion tests must not depend on how busy the machine is: a minute is plenty
    private static final TemplateLimits SMALL = new TemplateLimits(1 << 20, 10_000, 16, 200_000, Duration.ofSeconds(60));

    private static void assertRejected(String template, String message) {
        assertRejected(template, SMALL, message);
    }

    private static void assertRejected(String template, TemplateLimits limits, String message) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> ChatTemplate.of(template, "", "", limits).render(MESSAGES, true))
                        .isInstanceOf(ChatTemplateException.class)
                        .hasMessageContaining(message)
                        .hasMessageNotContaining("\n"));
    }

    @Test
    void loopsThatPrintNothingStopAtTheDeadline() {
        var quick = new TemplateLimits(1 << 20, 10_000, 16, Long.MAX_VALUE, Duration.ofMillis(500));
        assertRejected("{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}{% endfor %}{% endfor %}{% endfor %}",
                quick, "ran longer than 500 ms");
    }

    @Test
    void loopsStopAtTheNodeBudget() {
        var fewNodes = new TemplateLimits(1 << 20, 10_000, 16, 20_000, Duration.ofSeconds(60));
        assertRejected("{% for a in range(10000) %}{% for b in range(10000) %}{% if a %}{% endif %}{% endfor %}{% endfor %}",
                fewNodes, "more than 20000 steps");
    }

    @Test
    void outputIsCapped() {
        assertRejected("{% for a in range(10000) %}{% for b in range(10000) %}{{ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }}{% endfor %}{% endfor %}",
                "over limit");
    }

    @Test
    void stringsThatDoubleAreCapped() {
        assertRejected("{% set s = 'x' %}{% for i in range(60) %}{% set s = s ~ s %}{% endfor %}{{ s|length }}", "over limit");
    }

    @Test
    void recursionIsCapped() {
        assertRejected("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "recursion");
    }

    @Test
    void bracketsNestedPastTheLimitAreRejectedBeforeParsing() {
        int n = TemplateSource.MAX_NESTING;
        assertThat(ChatTemplate.of("{{ " + "(".repeat(n) + "1" + ")".repeat(n) + " }}", "", "", SMALL).render(MESSAGES, true)).isEqualTo("1");
        assertRejected("{{ " + "[".repeat(n + 1) + "1" + "]".repeat(n + 1) + " }}", "brackets nested more than 64 deep");
        assertRejected("{{ " + "(".repeat(6000) + "1" + ")".repeat(6000) + " }}", "brackets nested more than 64 deep");
    }

    @Test
    void blocksNestedPastTheLimitAreRejectedBeforeParsing() {
        int n = TemplateSource.MAX_NESTING;
        String nested = "{% if true %}".repeat(n) + "x" + "{% endif %}".repeat(n);
        assertThat(ChatTemplate.of(nested, "", "", SMALL).render(MESSAGES, true)).isEqualTo("x");
        assertRejected("{% for m in messages %}".repeat(n + 1) + "x" + "{% endfor %}".repeat(n + 1), "block tags nested more than 64 deep");
        assertRejected("{% set a %}".repeat(3000) + "{% endset %}".repeat(3000), "block tags nested more than 64 deep");
    }

    @Test
    void expressionsTooDeepForTheStackFailInOneLine() {
        // operator chains recurse in jinjava's parser without brackets; the stack is the limit there
        assertRejected("{{ " + "not ".repeat(50_000) + "true }}", "nested too deeply to render");
    }

    @Test
    void messagesThatEchoTheTemplateAreCutAndEscaped() {
        // jinjava's message quotes the whole expression: a long one must not flood the terminal
        assertThatThrownBy(() -> ChatTemplate.of("{{ 1 " + "+ 1".repeat(2000) + " + }}", "", "", SMALL).render(MESSAGES, true))
                .isInstanceOf(ChatTemplateException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertRejected("{{ raise_exception('bad\u202e\u0007 role') }}", "bad\\u202E\\x07 role");
    }

    @Test
    void rangeIsCappedAtTheCollectionLimit() {
        // jinjava shortens an oversized range (Jinja2's sandbox raises instead); either way it ends
        String out = ChatTemplate.of("{% for i in range(100000000) %}x{% endfor %}", "", "", SMALL).render(MESSAGES, true);
        assertThat(out).hasSize(10_000);
    }

    @Test
    void theDefaultLimitsLeaveRoomForLongConversations() {
        var long_ = java.util.stream.IntStream.range(0, 2000)
                .mapToObj(i -> Map.of("role", i % 2 == 0 ? "user" : "assistant", "content", "x".repeat(500))).toList();
        assertThat(ChatTemplate.chatMl("", "").render(long_, true)).hasSizeGreaterThan(1_000_000);
    }
}
