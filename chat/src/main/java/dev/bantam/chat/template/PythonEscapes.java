package dev.bantam.chat.template;

/**
 * The escapes of a Jinja2 string literal, which Jinja2 decodes with Python's {@code unicode_escape}:
 * {@code \n \t \r \b \f \v \a \0}, octal {@code \ooo}, {@code \xhh}, backslash-u with 4 and backslash-U with 8 hex digits,
 * {@code \N{NAME}}, a backslash before a newline joins the lines, and any other backslash stays.
 */
final class PythonEscapes {
    private PythonEscapes() {}

    static String decode(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                i++;
                continue;
            }
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case '\n' -> {}
                case '\\', '\'', '"' -> out.append(e);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000b');
                case 'a' -> out.append('\u0007');
                case 'x' -> i = hex(s, i, 2, out);
                case 'u' -> i = hex(s, i, 4, out);
                case 'U' -> i = hex(s, i, 8, out);
                case 'N' -> i = named(s, i, out);
                default -> {
                    if (e >= '0' && e <= '7') {
                        int start = i - 1, end = start;
                        while (end < s.length() && end < start + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') end++;
                        out.appendCodePoint(Integer.parseInt(s.substring(start, end), 8));
                        i = end;
                    } else {
                        out.append('\\').append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    private static int hex(String s, int at, int digits, StringBuilder out) {
        if (at + digits > s.length()) throw bad(s);
        try {
            out.appendCodePoint(Integer.parseUnsignedInt(s.substring(at, at + digits), 16));
        } catch (IllegalArgumentException e) {
            throw bad(s);
        }
        return at + digits;
    }

    private static int named(String s, int at, StringBuilder out) {
        int close = s.indexOf('}', at);
        if (at >= s.length() || s.charAt(at) != '{' || close < 0) throw bad(s);
        try {
            out.appendCodePoint(Character.codePointOf(s.substring(at + 1, close)));
        } catch (IllegalArgumentException e) {
            throw bad(s);
        }
        return close + 1;
    }

    private static ChatTemplateException bad(String literal) {
        return new ChatTemplateException("chat template: bad escape in the string literal '" + literal + "'");
    }
}
