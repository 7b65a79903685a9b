package dev.bantam.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a Jinja2 template into one that jinjava renders the way Jinja2 renders the original, by
 * doing the lexical part of Jinja2 here, exactly as its lexer does:
 * <ul>
 *   <li>newlines normalized to {@code \n}, one trailing newline dropped ({@code keep_trailing_newline=False});</li>
 *   <li>whitespace control: {@code {%-}/{@code -%}} (and for {@code {{ }}} and comments), {@code trim_blocks}
 *       (the newline after a block or comment tag) and {@code lstrip_blocks} (spaces before a block or
 *       comment tag at the start of a line, unless {@code {%+}}), applied to the text here, so jinjava runs
 *       with none of its own (its {@code lstrip_blocks} also strips spaces in the middle of a line);</li>
 *   <li>comments removed, {@code raw} blocks kept as they are;</li>
 *   <li>expressions rewritten where jinjava's parser reads them differently ({@link ExpressionRewriter}),
 *       and {@code {% for x in xs if cond %}} expanded ({@link LoopFilter}).</li>
 * </ul>
 */
final class TemplateSource {
    /**
     * How deep brackets may nest inside one tag, and block tags inside each other. The rewriting here
     * and jinjava's parser and renderer recurse once per level, so a hostile template could otherwise
     * exhaust the stack; real chat templates nest a handful of levels.
     */
    static final int MAX_NESTING = 64;

    private static final Set<String> BLOCK_OPENERS = Set.of("if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans");

    private TemplateSource() {}

    private enum Kind { BLOCK, VARIABLE, COMMENT }

    /** One tag: its kind, the whitespace-control signs at its start and end ('-', '+' or 0), its inside. */
    private record Tag(Kind kind, char startSign, String body, char endSign) {}

    static String prepare(String template) {
        String s = template.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
        StringBuilder out = new StringBuilder(s.length() + 64);
        LoopFilter loops = new LoopFilter();
        StringBuilder text = new StringBuilder(); // text since the last tag, not yet written
        boolean lineStarting = true;               // the last tag consumed a newline (or none yet)
        int blockDepth = 0;
        int i = 0;
        while (i < s.length()) {
            int open = nextTag(s, i);
            if (open < 0) {
                text.append(s, i, s.length());
                break;
            }
            text.append(s, i, open);
            int[] end = new int[1];
            Tag tag = lex(s, open, end);
            stripBefore(text, tag.startSign(), tag.kind() != Kind.VARIABLE, lineStarting);
            out.append(text);
            text.setLength(0);
            i = end[0];
            if (tag.kind() == Kind.BLOCK && isWord(tag.body(), "raw")) {
                int[] endRaw = raw(s, i, out, tag);
                int[] after = afterTag(s, endRaw[0], (char) endRaw[1], true);
                i = after[0];
                lineStarting = after[1] == 1;
                continue;
            }
            if (tag.kind() == Kind.BLOCK) blockDepth = nestBlock(blockDepth, tag.body());
            switch (tag.kind()) {
                case COMMENT -> {}
                case VARIABLE -> out.append("{{").append(ExpressionRewriter.rewrite(tag.body())).append("}}");
                case BLOCK -> out.append(loops.expand(tag.body()));
            }
            int[] after = afterTag(s, i, tag.endSign(), tag.kind() != Kind.VARIABLE);
            i = after[0];
            lineStarting = after[1] == 1;
        }
        out.append(text);
        return out.toString();
    }

    /** The block depth after a block tag with this body: one deeper for an opener, one less for an {@code end...}. */
    private static int nestBlock(int depth, String body) {
        String stripped = body.strip();
        int space = 0;
        while (space < stripped.length() && Character.isLetter(stripped.charAt(space))) space++;
        String word = stripped.substring(0, space);
        boolean setBlock = word.equals("set") && splitTopLevel(stripped, '=').size() == 1;
        if (word.startsWith("end")) return Math.max(0, depth - 1);
        if (!BLOCK_OPENERS.contains(word) && !setBlock) return depth;
        if (depth == MAX_NESTING) throw new ChatTemplateException("chat template: block tags nested more than " + MAX_NESTING + " deep");
        return depth + 1;
    }

    /** The index of the next {@code {%}, {@code {{} or {@code {#} at or after {@code from}, or -1. */
    private static int nextTag(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '%' || c == '{' || c == '#') return i;
        }
        return -1;
    }

    /** Reads the tag at {@code open}; {@code end[0]} is set to the index just past it. */
    private static Tag lex(String s, int open, int[] end) {
        char c = s.charAt(open + 1);
        Kind kind = c == '%' ? Kind.BLOCK : c == '{' ? Kind.VARIABLE : Kind.COMMENT;
        String closer = kind == Kind.BLOCK ? "%}" : kind == Kind.VARIABLE ? "}}" : "#}";
        int bodyStart = open + 2;
        char startSign = 0;
        if (bodyStart < s.length() && (s.charAt(bodyStart) == '-' || (s.charAt(bodyStart) == '+' && kind != Kind.VARIABLE))) {
            startSign = s.charAt(bodyStart++);
        }
        int close = kind == Kind.COMMENT ? s.indexOf(closer, bodyStart) : findCloser(s, bodyStart, closer);
        if (close < 0) throw new ChatTemplateException("chat template: a tag opened with " + s.substring(open, open + 2) + " is never closed");
        int bodyEnd = close;
        char endSign = 0;
        if (bodyEnd > bodyStart && (s.charAt(bodyEnd - 1) == '-' || (s.charAt(bodyEnd - 1) == '+' && kind != Kind.VARIABLE))) {
            endSign = s.charAt(--bodyEnd);
        }
        end[0] = close + 2;
        return new Tag(kind, startSign, s.substring(bodyStart, Math.max(bodyStart, bodyEnd)), endSign);
    }

    /** Where {@code closer} ends the tag: outside string literals and with brackets balanced, as Jinja2 requires. */
    private static int findCloser(String s, int from, String closer) {
        int depth = 0;
        for (int i = from; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = ExpressionRewriter.skipString(s, i);
                continue;
            }
            if (depth == 0 && s.startsWith(closer, i)) return i;
            if (c == '(' || c == '[' || c == '{') {
                if (++depth > MAX_NESTING) throw new ChatTemplateException("chat template: brackets nested more than " + MAX_NESTING + " deep in one tag");
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
            i++;
        }
        return -1;
    }

    /**
     * Whitespace before a tag: all of it for {@code -}; for a block or comment tag without {@code +},
     * with lstrip_blocks, the spaces between the start of the line and the tag.
     */
    private static void stripBefore(StringBuilder text, char sign, boolean lstrip, boolean lineStarting) {
        if (sign == '-') {
            int n = text.length();
            while (n > 0 && PyStrings.isSpace(text.charAt(n - 1))) n--;
            text.setLength(n);
        } else if (sign != '+' && lstrip) {
            int lineStart = text.lastIndexOf("\n") + 1;
            if (lineStart == 0 && !lineStarting) return;
            if (lineStart == text.length()) return;
            for (int k = lineStart; k < text.length(); k++) if (!PyStrings.isSpace(text.charAt(k))) return;
            text.setLength(lineStart);
        }
    }

    /**
     * Whitespace after a tag: all of it for {@code -}; for a block or comment tag without {@code +},
     * with trim_blocks, one newline. Returns the index after it and 1 when what was consumed ends in a
     * newline (Jinja2's "line starting" for the next tag's lstrip_blocks).
     */
    private static int[] afterTag(String s, int i, char sign, boolean trim) {
        if (sign == '-') {
            int j = i;
            while (j < s.length() && PyStrings.isSpace(s.charAt(j))) j++;
            return new int[] {j, j > i && s.charAt(j - 1) == '\n' ? 1 : 0};
        }
        if (sign != '+' && trim && i < s.length() && s.charAt(i) == '\n') return new int[] {i + 1, 1};
        return new int[] {i, 0};
    }

    /**
     * Copies a {@code {% raw %}} block: its text as it is up to {@code {% endraw %}}, less what the
     * signs of the two tags strip (trim_blocks does not apply after {@code {% raw %}}). Returns the
     * index after the endraw tag and that tag's end sign.
     */
    private static int[] raw(String s, int from, StringBuilder out, Tag open) {
        int i = from;
        if (open.endSign() == '-') while (i < s.length() && PyStrings.isSpace(s.charAt(i))) i++;
        for (int tag = s.indexOf("{%", i); tag >= 0; tag = s.indexOf("{%", tag + 2)) {
            int[] end = new int[1];
            Tag t = lex(s, tag, end);
            if (isWord(t.body(), "endraw")) {
                StringBuilder content = new StringBuilder(s.substring(i, tag));
                stripBefore(content, t.startSign(), true, false);
                out.append("{% raw %}").append(content).append("{% endraw %}");
                return new int[] {end[0], t.endSign()};
            }
        }
        throw new ChatTemplateException("chat template: {% raw %} is never closed by {% endraw %}");
    }

    private static boolean isWord(String body, String word) {
        return body.strip().equals(word);
    }

    /** The parts of {@code text} separated by {@code separator} outside brackets and string literals. */
    static List<String> splitTopLevel(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0, start = 0, i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                i = ExpressionRewriter.skipString(text, i);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == separator && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
            i++;
        }
        parts.add(text.substring(start));
        return parts;
    }
}
