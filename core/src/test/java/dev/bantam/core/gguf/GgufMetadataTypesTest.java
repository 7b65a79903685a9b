package dev.bantam.core.gguf;

import dev.bantam.core.format.ModelFormatException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Typed reads name the file, the key, what was expected and what was found (issue 17: type confusion). */
class GgufMetadataTypesTest {
    private final GgufMetadata m = new GgufMetadata("m.gguf", Map.of(
            "f", GgufValue.ofF32(2.5f), "s", GgufValue.of("x"), "u", GgufValue.ofU32(-1), "b", GgufValue.ofBool(true)));

    @Test
    void aFloatIsNotAnInteger() {
        for (Runnable read : new Runnable[] {() -> m.getInt("f", 1), () -> m.optLong("f"), () -> m.optBool("f"), () -> m.getLong("f")}) {
            assertThatThrownBy(read::run).isInstanceOf(GgufFormatException.class)
                    .hasMessageContainingAll("m.gguf", "metadata f", "FLOAT32", "expected");
        }
    }

    @Test
    void numbersWidenAndOtherTypesAreNamed() {
        assertThat(m.optDouble("f")).contains(2.5);
        assertThat(m.optLong("u")).contains(0xffff_ffffL);
        assertThat(m.optBool("b")).contains(true);
        assertThatThrownBy(() -> m.optDouble("s")).hasMessageContainingAll("metadata s", "STRING", "a number");
        assertThatThrownBy(() -> m.optString("f")).hasMessageContainingAll("metadata f", "FLOAT32", "STRING");
        assertThatThrownBy(() -> m.getInt("u", 1)).hasMessageContaining("out of range");
    }

    @Test
    void untrustedTextIsEscapedAndCut() {
        assertThat(ModelFormatException.quote("a\nb\u0000\u001b")).isEqualTo("a\\x0Ab\\x00\\x1B");
        assertThat(ModelFormatException.quote("y".repeat(10_000))).hasSizeLessThan(ModelFormatException.MAX_QUOTED + 30).endsWith("(10000 chars)");
    }
}
