package dev.bantam.chat.template;

import java.util.List;
import java.util.Set;

/**
 * Rewrites the inside of a tag where jinjava's expression parser reads Jinja2 differently:
 * <ul>
 *   <li>keyword arguments: jinjava gives {@code =} the precedence of {@code +}, so
 *       {@code namespace(i=messages|length - 1)} would parse as {@code (i=messages|length) - 1};
 *       each keyword argument's value is put in parentheses;</li>
 *   <li>slices: jinjava has no step ({@code messages[::-1]}) nor Python's negative bounds, so
 *       {@code x[a:b:c]} becomes {@code x.pyslice(a, b, c)}, which {@link PythonMethods} implements;</li>
 *   <li>string literals: Python's escapes ({@code \x41}, backslash-u escapes, {@code \N{...}}, octal) are
 *       decoded here, because jinjava knows only {@code \n \t \r \b \f \\ \' \"}.</li>
 * </ul>
 */
final class ExpressionRewriter {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is", "if", "else", "elif");

    private ExpressionRewriter() {}

    static String rewrite(String code) {
        StringBuilder out = new StringBuilder(code.length() + 16);
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\'' || c == '"') {
                int end = skipString(code, i);
                out.append(literal(PythonEscapes.decode(code.substring(i + 1, Math.max(i + 1, end - 1)))));
                i = end;
            } else if (c == '(' || c == '[' || c == '{') {
                int close = matching(code, i);
                String inner = code.substring(i + 1, Math.min(close, code.length()));
                char closer = c == '(' ? ')' : c == '[' ? ']' : '}';
                List<String> slice = c == '[' && followsValue(code, i) ? TemplateSource.splitTopLevel(inner, ':') : List.of();
                if (slice.size() == 2 || slice.size() == 3) {
                    out.append(".pyslice(");
                    for (int p = 0; p < 3; p++) {
                        String part = p < slice.size() ? slice.get(p).strip() : "";
                        out.append(p > 0 ? ", " : "").append(part.isEmpty() ? "none" : rewrite(part));
                    }
                    out.append(')');
                } else {
                    out.append(c).append(c == '(' && followsValue(code, i) ? arguments(inner) : rewrite(inner));
                    if (close < code.length()) out.append(closer);
                }
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** A call's arguments with each keyword argument's value parenthesized. */
    private static String arguments(String args) {
        StringBuilder out = new StringBuilder(args.length() + 8);
        List<String> parts = TemplateSource.splitTopLevel(args, ',');
        for (int p = 0; p < parts.size(); p++) {
            if (p > 0) out.append(',');
            String arg = parts.get(p);
            int eq = keywordEquals(arg);
            if (eq < 0) {
                out.append(rewrite(arg));
            } else {
                String value = arg.substring(eq + 1);
                out.append(arg, 0, eq + 1).append('(').append(rewrite(value.strip())).append(')');
            }
        }
        return out.toString();
    }

    /** The index of {@code =} in {@code name=value}, or -1 when the argument is positional. */
    private static int keywordEquals(String arg) {
        int i = 0;
        while (i < arg.length() && Character.isWhitespace(arg.charAt(i))) i++;
        int start = i;
        while (i < arg.length() && isNameChar(arg.charAt(i))) i++;
        if (i == start || Character.isDigit(arg.charAt(start))) return -1;
        while (i < arg.length() && Character.isWhitespace(arg.charAt(i))) i++;
        boolean single = i < arg.length() && arg.charAt(i) == '=' && (i + 1 >= arg.length() || arg.charAt(i + 1) != '=');
        return single ? i : -1;
    }

    /**
     * Whether the bracket at {@code at} follows a value (a name that is not a keyword, a literal, a
     * closing bracket): then {@code (} is a call and {@code [} a subscript, not a tuple or a list.
     */
    private static boolean followsValue(String code, int at) {
        int j = at - 1;
        while (j >= 0 && Character.isWhitespace(code.charAt(j))) j--;
        if (j < 0) return false;
        char p = code.charAt(j);
        if (p == ')' || p == ']' || p == '}' || p == '\'' || p == '"') return true;
        if (!isNameChar(p)) return false;
        int k = j;
        while (k >= 0 && isNameChar(code.charAt(k))) k--;
        return !KEYWORDS.contains(code.substring(k + 1, j + 1));
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** The index of the bracket that closes the one at {@code open}, or the length of the text. */
    private static int matching(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); ) {
            char c = code.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(code, i);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if ((c == ')' || c == ']' || c == '}') && --depth == 0) return i;
            i++;
        }
        return code.length();
    }

    /** The index just past the string literal that starts at {@code start}. */
    static int skipString(String s, int start) {
        char quote = s.charAt(start);
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == quote) return i + 1;
        }
        return s.length();
    }

    /** A literal that jinjava's scanner reads back as {@code value}. */
    private static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                default -> out.append(c);
            }
        }
        return out.append('\'').toString();
    }
}
