package dev.bantam.chat.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

/**
 * Jinja's {@code trim}: Python's {@code str.strip(chars)}. jinjava's version strips every character up
 * to U+0020 (control characters too) and no Unicode spaces, which can change a message's text.
 */
final class TrimFilter implements Filter {
    @Override
    public String getName() {
        return "trim";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        String chars = args.length > 0 ? args[0] : null;
        return PyStrings.call(var == null ? "None" : var.toString(), "strip", chars == null ? new Object[0] : new Object[] {chars});
    }
}
