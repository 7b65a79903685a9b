package dev.bantam.chat.template;

import java.time.Duration;

/**
 * What one render may use, so that a hostile or broken template (it comes with a downloaded model)
 * cannot hang the process or exhaust memory.
 *
 * @param maxOutputChars   characters of output, and of any one string the template builds
 * @param maxCollection    items in a list or map the template builds, and in one {@code range()}
 * @param maxMacroDepth    nesting of (recursive) macro calls
 * @param maxNodes         template nodes rendered, counting every loop iteration
 * @param maxRenderTime    wall-clock time
 */
public record TemplateLimits(long maxOutputChars, int maxCollection, int maxMacroDepth, long maxNodes, Duration maxRenderTime) {
    /** Room for a long conversation (a 128K-token context is well under 4 MB of text). */
    public static final TemplateLimits DEFAULT = new TemplateLimits(16L << 20, 100_000, 32, 5_000_000, Duration.ofSeconds(5));

    public TemplateLimits {
        if (maxOutputChars < 1 || maxCollection < 1 || maxMacroDepth < 1 || maxNodes < 1) {
            throw new IllegalArgumentException("template limits must be positive");
        }
        if (maxRenderTime.isNegative() || maxRenderTime.isZero()) throw new IllegalArgumentException("maxRenderTime must be positive");
    }
}
