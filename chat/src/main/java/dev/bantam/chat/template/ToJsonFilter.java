package dev.bantam.chat.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.Map;

/**
 * {@code tojson} as Hugging Face defines it for chat templates:
 * {@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}, with the
 * same positional order. (Jinja's own filter escapes HTML characters; jinjava's writes no spaces.)
 */
final class ToJsonFilter implements Filter {
    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object ensureAscii = argument(args, kwargs, 0, "ensure_ascii");
        Object indent = argument(args, kwargs, 1, "indent");
        Object separators = argument(args, kwargs, 2, "separators");
        Object sortKeys = argument(args, kwargs, 3, "sort_keys");
        String itemSep = null, keySep = null;
        if (separators instanceof java.util.List<?> pair && pair.size() == 2) {
            itemSep = String.valueOf(pair.get(0));
            keySep = String.valueOf(pair.get(1));
        }
        String indentText = switch (indent) {
            case null -> null;
            case Number n -> " ".repeat(Math.max(0, Math.min(64, n.intValue())));
            default -> indent.toString();
        };
        return PyJson.dumps(var, PyJson.Style.of(truthy(ensureAscii), indentText, itemSep, keySep, truthy(sortKeys)));
    }

    private static Object argument(Object[] args, Map<String, Object> kwargs, int position, String name) {
        if (kwargs != null && kwargs.containsKey(name)) return kwargs.get(name);
        return args != null && position < args.length ? args[position] : null;
    }

    private static boolean truthy(Object o) {
        return o instanceof Boolean b ? b : o instanceof Number n ? n.doubleValue() != 0 : o != null && !o.toString().isEmpty();
    }
}
