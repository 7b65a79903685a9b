package dev.bantam.chat.template;

import com.hubspot.jinjava.objects.date.StrftimeFormatter;

import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The globals that Hugging Face adds to a chat template's environment. Public and static because
 * jinjava calls functions through reflection on a static method.
 */
public final class TemplateFunctions {
    private TemplateFunctions() {}

    /** What {@code raise_exception(message)} throws; {@link ChatTemplate} reports its message. */
    static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code raise_exception(message)}: the template rejects the conversation. */
    public static String raiseException(Object message) {
        String text = String.valueOf(message);
        TemplateRun.current().raised(text);
        throw new Raised(text);
    }

    /** {@code strftime_now(format)}: the local time in Python's strftime format (in English, like Python's C locale). */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format, Locale.ENGLISH);
    }
}
