package dev.bantam.chat.template;

import java.util.List;

/**
 * A block tag as jinjava gets it: its expressions rewritten ({@link ExpressionRewriter}), and Jinja2's loop filter {@code {% for x in xs if cond %}}, which
 * jinjava does not have, expanded into a loop that collects the items that pass and a loop over
 * them, so that {@code loop.index}, {@code loop.length} and {@code loop.last} count only those, as
 * in Jinja2.
 */
final class LoopFilter {
    private int count;

    String expand(String body) {
        String b = body.strip();
        if (b.startsWith("for ") || b.startsWith("for\t")) {
            List<String> head = splitKeyword(b.substring(4), " in ");
            if (head.size() == 2) {
                List<String> iterAndFilter = splitKeyword(head.get(1), " if ");
                if (iterAndFilter.size() == 2) {
                    String target = head.get(0).strip();
                    String iter = iterAndFilter.get(0).strip();
                    String filter = iterAndFilter.get(1).strip();
                    String item = target.contains(",") ? "[" + target + "]" : target;
                    String list = "__bantam_loop" + (++count);
                    return "{% set " + list + " = [] %}"
                            + "{% for " + target + " in " + ExpressionRewriter.rewrite(iter) + " %}"
                            + "{% if " + ExpressionRewriter.rewrite(filter) + " %}{% do " + list + ".append(" + item + ") %}{% endif %}"
                            + "{% endfor %}"
                            + "{% for " + target + " in " + list + " %}";
                }
            }
        }
        // jinjava reads a macro's parameters with its own tag parser, not as an expression
        if (b.startsWith("macro ")) return "{%" + body + "%}";
        return "{%" + ExpressionRewriter.rewrite(body) + "%}";
    }

    /** {@code text} split at the first {@code keyword} outside brackets and strings (one part if none). */
    private static List<String> splitKeyword(String text, String keyword) {
        int depth = 0;
        for (int i = 0; i < text.length(); ) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                i = ExpressionRewriter.skipString(text, i);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (depth == 0 && text.startsWith(keyword, i)) {
                return List.of(text.substring(0, i), text.substring(i + keyword.length()));
            }
            i++;
        }
        return List.of(text);
    }
}
