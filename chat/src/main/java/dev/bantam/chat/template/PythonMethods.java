package dev.bantam.chat.template;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods that chat templates call on strings, dicts and lists
 * ({@code message.content.startswith('<tool_response>')}, {@code .split('</think>')[-1]},
 * {@code tool.parameters.items()}), which jinjava would otherwise look up as Java methods (which
 * either do not exist or, like {@code String.split}, mean something else). Placed in front of
 * jinjava's resolvers; anything it does not know it leaves to them. Also {@code pyslice}, the target
 * of {@link TemplateSource}'s slice rewrite.
 */
final class PythonMethods extends ELResolver {
    private static final Set<String> STRING = Set.of("strip", "lstrip", "rstrip", "startswith", "endswith", "split",
            "rsplit", "splitlines", "replace", "upper", "lower", "title", "capitalize", "find", "rfind", "count", "join",
            "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "removeprefix", "removesuffix", "pyslice");
    private static final Set<String> DICT = Set.of("items", "keys", "values", "get");
    private static final Set<String> LIST = Set.of("index", "count", "pyslice");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) return null;
        String name = method.toString();
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        if (base instanceof CharSequence s && STRING.contains(name)) result = PyStrings.call(s.toString(), name, args);
        else if (base instanceof Map<?, ?> m && DICT.contains(name)) result = dict(m, name, args);
        else if (base instanceof List<?> l && LIST.contains(name)) result = list(l, name, args);
        else return null;
        context.setPropertyResolved(true);
        return result;
    }

    private static Object dict(Map<?, ?> m, String name, Object[] args) {
        return switch (name) {
            case "items" -> new ArrayList<>(m.entrySet());
            case "keys" -> new ArrayList<>(m.keySet());
            case "values" -> new ArrayList<>(m.values());
            default -> { // get(key, default=None)
                Object key = PyStrings.arg(args, 0, null);
                yield m.containsKey(key) ? m.get(key) : PyStrings.arg(args, 1, null);
            }
        };
    }

    private static Object list(List<?> l, String name, Object[] args) {
        return switch (name) {
            case "index" -> {
                int i = indexOf(l, PyStrings.arg(args, 0, null));
                if (i < 0) throw new IllegalArgumentException(PyStrings.arg(args, 0, null) + " is not in list");
                yield (long) i;
            }
            case "count" -> l.stream().filter(x -> PyStrings.same(x, PyStrings.arg(args, 0, null))).count();
            default -> {
                List<Object> out = new ArrayList<>();
                for (int i : Slice.indices(l.size(), args)) out.add(l.get(i));
                yield out;
            }
        };
    }

    private static int indexOf(List<?> l, Object x) {
        for (int i = 0; i < l.size(); i++) if (PyStrings.same(l.get(i), x)) return i;
        return -1;
    }

    /** {@code 'abc'[0]}, {@code 'abc'[-1]}: one code point, as Python indexes strings; other properties are jinjava's. */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        // jinjava hands the index over as text ("0", "-1")
        if (!(base instanceof CharSequence text) || property == null || !property.toString().matches("-?\\d{1,9}")) return null;
        int[] cps = text.toString().codePoints().toArray();
        long n = Long.parseLong(property.toString());
        long i = n < 0 ? n + cps.length : n;
        if (i < 0 || i >= cps.length) throw new IllegalArgumentException("string index out of range");
        context.setPropertyResolved(true);
        return new String(cps, (int) i, 1);
    }

    // Everything else is left to jinjava's resolvers.
    @Override public Class<?> getType(ELContext context, Object base, Object property) { return null; }
    @Override public void setValue(ELContext context, Object base, Object property, Object value) {}
    @Override public boolean isReadOnly(ELContext context, Object base, Object property) { return false; }
    @Override public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) { return null; }
    @Override public Class<?> getCommonPropertyType(ELContext context, Object base) { return Object.class; }
}
