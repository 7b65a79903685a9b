package dev.bantam.chat.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.JinjavaNodePreProcessor;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import jinjava.javax.el.CompositeELResolver;

import java.util.Locale;

/**
 * jinjava set up as Hugging Face sets up Jinja2 for {@code apply_chat_template} (with
 * {@link TemplateSource} doing the lexical part): loop controls, {@code raise_exception},
 * {@code strftime_now}, HF's {@code tojson}, Python's {@code trim}, string and dict methods and
 * printing, and jinjava's options that follow Jinja2 rather than jinjava's historical behaviour.
 * Plus the limits of {@link TemplateLimits}.
 */
final class JinjaEnvironment {
    private JinjaEnvironment() {}

    static Jinjava create(TemplateLimits limits) {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        JinjavaNodePreProcessor interruptCheck = new JinjavaNodePreProcessor();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                // whitespace control, trim_blocks, lstrip_blocks and the trailing newline are applied
                // to the template's text by TemplateSource, as Jinja2's lexer applies them
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withKeepTrailingNewline(true)
                .withInterperterFactory(PythonInterpreter.FACTORY)
                .withLocale(Locale.ROOT)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withIterateOverMapKeys(true)
                        .withEvaluateMapKeys(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .withElResolver(resolver)
                .withMaxOutputSize(limits.maxOutputChars())
                .withMaxStringLength(limits.maxOutputChars())
                .withMaxListSize(limits.maxCollection())
                .withMaxMapSize(limits.maxCollection())
                .withRangeLimit(limits.maxCollection())
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(limits.maxMacroDepth())
                .withMaxRenderDepth(limits.maxMacroDepth())
                .withProcessors(JinjavaProcessors.newBuilder()
                        .withNodePreProcessor((node, interpreter) -> {
                            interruptCheck.accept(node, interpreter);
                            TemplateRun.beforeNode(node, interpreter);
                        })
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        var globals = jinjava.getGlobalContext();
        globals.registerFunction(new ELFunctionDefinition("", "raise_exception", TemplateFunctions.class, "raiseException", Object.class));
        globals.registerFunction(new ELFunctionDefinition("", "strftime_now", TemplateFunctions.class, "strftimeNow", String.class));
        globals.registerFilter(new ToJsonFilter());
        globals.registerFilter(new TrimFilter());
        globals.registerTag(new GenerationTag());
        return jinjava;
    }
}
