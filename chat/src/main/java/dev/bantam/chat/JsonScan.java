package dev.bantam.chat;

/**
 * Finds where a JSON object written in model output ends, without parsing it: braces are counted
 * outside strings, so a call's JSON can be cut out of the text around it (and then parsed).
 */
final class JsonScan {
    private JsonScan() {}

    /** The index just after the object that opens at {@code start}, or -1 when it is not closed. */
    static int objectEnd(CharSequence s, int start) {
        if (start >= s.length() || s.charAt(start) != '{') return -1;
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return c == '}' ? i + 1 : -1;
            }
        }
        return -1;
    }
}
