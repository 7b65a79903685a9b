package dev.bantam.chat.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Python's {@code str} methods with Python's rules (whitespace, {@code None} arguments, code-point slicing). */
final class PyStrings {
    private PyStrings() {}

    static Object call(String s, String name, Object[] a) {
        return switch (name) {
            case "strip" -> strip(s, chars(a), true, true);
            case "lstrip" -> strip(s, chars(a), true, false);
            case "rstrip" -> strip(s, chars(a), false, true);
            case "startswith" -> affix(s, arg(a, 0, null), true);
            case "endswith" -> affix(s, arg(a, 0, null), false);
            case "split" -> split(s, (String) arg(a, 0, null), maxSplit(a));
            case "rsplit" -> rsplit(s, (String) arg(a, 0, null), maxSplit(a));
            case "splitlines" -> new ArrayList<>(s.lines().toList());
            case "replace" -> replace(s, str(arg(a, 0, "")), str(arg(a, 1, "")), ((Number) arg(a, 2, -1L)).longValue());
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "find" -> (long) codePointIndex(s, s.indexOf(str(arg(a, 0, ""))));
            case "rfind" -> (long) codePointIndex(s, s.lastIndexOf(str(arg(a, 0, ""))));
            case "count" -> count(s, str(arg(a, 0, "")));
            case "join" -> join(s, arg(a, 0, List.of()));
            case "isdigit" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(PyStrings::isSpace);
            case "isupper" -> s.codePoints().anyMatch(Character::isUpperCase) && s.codePoints().noneMatch(Character::isLowerCase);
            case "islower" -> s.codePoints().anyMatch(Character::isLowerCase) && s.codePoints().noneMatch(Character::isUpperCase);
            case "removeprefix" -> s.startsWith(str(arg(a, 0, ""))) ? s.substring(str(arg(a, 0, "")).length()) : s;
            case "removesuffix" -> {
                String suffix = str(arg(a, 0, ""));
                yield !suffix.isEmpty() && s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
            }
            case "pyslice" -> {
                int[] cps = s.codePoints().toArray();
                StringBuilder out = new StringBuilder();
                for (int i : Slice.indices(cps.length, a)) out.appendCodePoint(cps[i]);
                yield out.toString();
            }
            default -> throw new IllegalArgumentException("str has no method " + name);
        };
    }

    static Object arg(Object[] a, int i, Object fallback) {
        return i < a.length ? a[i] : fallback;
    }

    /** Python's equality for the values templates compare: numbers by value, everything else by equals. */
    static boolean same(Object x, Object y) {
        if (x instanceof Number m && y instanceof Number n) return m.doubleValue() == n.doubleValue();
        return java.util.Objects.equals(x, y);
    }

    /** Python's {@code str.isspace} for one code point. */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85 || (c >= 0x1c && c <= 0x1f);
    }

    private static String str(Object o) {
        return o == null ? "None" : o.toString();
    }

    private static String chars(Object[] a) {
        Object c = arg(a, 0, null);
        return c == null ? null : c.toString();
    }

    private static long maxSplit(Object[] a) {
        return ((Number) arg(a, 1, -1L)).longValue();
    }

    private static String strip(String s, String chars, boolean left, boolean right) {
        int[] cps = s.codePoints().toArray();
        int from = 0, to = cps.length;
        if (left) while (from < to && stripped(cps[from], chars)) from++;
        if (right) while (to > from && stripped(cps[to - 1], chars)) to--;
        return new String(cps, from, to - from);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.codePoints().anyMatch(c -> c == cp);
    }

    /** startswith / endswith with a string or a tuple (list) of strings. */
    private static boolean affix(String s, Object affix, boolean start) {
        if (affix instanceof Collection<?> options) {
            for (Object o : options) if (affix(s, o, start)) return true;
            return false;
        }
        String a = str(affix);
        return start ? s.startsWith(a) : s.endsWith(a);
    }

    private static List<String> split(String s, String sep, long max) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0, n = s.length();
            while (true) {
                while (i < n && isSpace(s.charAt(i))) i++;
                if (i >= n) break;
                if (max >= 0 && out.size() == max) {
                    out.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !isSpace(s.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) throw new IllegalArgumentException("empty separator");
        int from = 0;
        while (max < 0 || out.size() < max) {
            int at = s.indexOf(sep, from);
            if (at < 0) break;
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static List<String> rsplit(String s, String sep, long max) {
        if (max < 0 || sep == null) return split(s, sep, max);
        if (sep.isEmpty()) throw new IllegalArgumentException("empty separator");
        List<String> out = new ArrayList<>();
        int to = s.length();
        while (out.size() < max) {
            int at = s.lastIndexOf(sep, to - sep.length());
            if (at < 0) break;
            out.addFirst(s.substring(at + sep.length(), to));
            to = at;
        }
        out.addFirst(s.substring(0, to));
        return out;
    }

    private static String replace(String s, String old, String with, long count) {
        if (count < 0) return s.replace(old, with);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (long done = 0; done < count; done++) {
            int at = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
            if (at < 0) break;
            out.append(s, from, at).append(with);
            if (old.isEmpty()) {
                if (at < s.length()) out.append(s.charAt(at));
                from = at + 1;
            } else {
                from = at + old.length();
            }
        }
        if (from <= s.length()) out.append(s, Math.min(from, s.length()), s.length());
        return out.toString();
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            out.appendCodePoint(previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            previousCased = Character.isLetter(cp);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) return s.codePointCount(0, s.length()) + 1L;
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
        return n;
    }

    private static String join(String sep, Object items) {
        if (items instanceof CharSequence chars) {
            return String.join(sep, chars.codePoints().mapToObj(Character::toString).toList());
        }
        if (!(items instanceof Iterable<?> it)) throw new IllegalArgumentException("can only join an iterable");
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object o : it) {
            if (!first) out.append(sep);
            out.append(str(o));
            first = false;
        }
        return out.toString();
    }

    /** Python indexes strings by code point; Java's indexOf counts UTF-16 units. */
    private static int codePointIndex(String s, int utf16) {
        return utf16 < 0 ? -1 : s.codePointCount(0, utf16);
    }
}
