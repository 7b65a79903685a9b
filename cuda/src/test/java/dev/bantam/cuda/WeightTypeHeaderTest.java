package dev.bantam.cuda;

import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI: WeightType is the one source of the kernels' weight-type ids and block sizes. The generated
 * header carries its values, the CUDA C sources hold no copy, and every block geometry the kernels
 * are written for (their static_asserts, checked here without a compiler) agrees with WeightType.
 */
class WeightTypeHeaderTest {
    private static final Pattern DEFINE = Pattern.compile("(?m)^#define (\\w+) (.*)$");
    private static final Pattern TABLE_MACRO = Pattern.compile("\\b(T|BLOCK_SIZE|BLOCK_BYTES)_(\\w+)\\b");
    private static final Pattern STATIC_ASSERT = Pattern.compile("static_assert\\(([^,]*),");
    private static final Pattern EQUALS = Pattern.compile("(\\w+) == (\\d+)");

    /** Every kernel file and the hand-written header, comments removed: the code the compilers see. */
    static Map<String, String> handWrittenSources() {
        Map<String, String> code = new LinkedHashMap<>();
        for (String f : KernelSources.FILES) code.put(f + ".cu", withoutComments(KernelSources.source(f)));
        for (String h : KernelSources.HEADERS) if (!h.equals(WeightTypeHeader.NAME)) code.put(h, withoutComments(KernelSources.header(h)));
        return code;
    }

    static String withoutComments(String c) {
        return c.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    /** The value WeightType gives a table macro: T_Q8_0 → Q8_0.id, BLOCK_SIZE_Q8_0 → blockSize, BLOCK_BYTES_Q8_0 → blockBytes. */
    static int fromWeightType(String macro) {
        Matcher m = TABLE_MACRO.matcher(macro);
        assertThat(m.matches()).as(macro).isTrue();
        WeightType t = WeightType.valueOf(m.group(2));
        return switch (m.group(1)) {
            case "T" -> t.id;
            case "BLOCK_SIZE" -> t.blockSize;
            default -> t.blockBytes;
        };
    }

    @Test
    void theHeaderHoldsWeightTypesValuesForEachTypeTheBackendRuns() {
        Map<String, String> defined = new LinkedHashMap<>();
        Matcher m = DEFINE.matcher(WeightTypeHeader.text());
        while (m.find()) defined.put(m.group(1), m.group(2));
        Map<String, String> expected = new LinkedHashMap<>();
        for (WeightType t : WeightType.values()) {
            if (DeviceType.of(t).isEmpty()) continue;
            expected.put("T_" + t.name(), Integer.toString(t.id));
            expected.put("BLOCK_SIZE_" + t.name(), Integer.toString(t.blockSize));
            expected.put("BLOCK_BYTES_" + t.name(), Integer.toString(t.blockBytes));
        }
        assertThat(defined).containsExactlyEntriesOf(expected);
    }

    @Test
    void theSourcesUseTheGeneratedTableAndHoldNoCopyOfIt() {
        String header = WeightTypeHeader.text();
        for (var source : handWrittenSources().entrySet()) {
            Matcher d = DEFINE.matcher(source.getValue());
            while (d.find()) assertThat(TABLE_MACRO.matcher(d.group(1)).matches()).as(source.getKey() + " defines " + d.group(1)).isFalse();
            Matcher used = TABLE_MACRO.matcher(source.getValue());
            while (used.find()) {
                assertThat(header).as(source.getKey() + " uses " + used.group() + ", a type the backend does not run")
                        .containsPattern("#define " + used.group() + " ");
            }
        }
        assertThat(KernelSources.header("common.cuh")).contains("#include \"" + WeightTypeHeader.NAME + "\"");
    }

    /** The test that fails when the CUDA C code and WeightType disagree on a type's geometry. */
    @Test
    void theBlockGeometryTheKernelsAreWrittenForIsWeightTypes() {
        Set<String> asserted = new LinkedHashSet<>();
        for (var source : handWrittenSources().entrySet()) {
            Matcher a = STATIC_ASSERT.matcher(source.getValue());
            while (a.find()) {
                for (String term : a.group(1).split("&&")) {
                    Matcher e = EQUALS.matcher(term.strip());
                    assertThat(e.matches()).as(source.getKey() + ": static_assert term '" + term.strip() + "' is not NAME == NUMBER").isTrue();
                    assertThat(Integer.parseInt(e.group(2))).as(source.getKey() + ": " + e.group(1) + " per WeightType")
                            .isEqualTo(fromWeightType(e.group(1)));
                    asserted.add(e.group(1));
                }
            }
        }
        // every type the backend runs states the geometry its kernels assume
        for (WeightType t : WeightType.values()) {
            if (DeviceType.of(t).isEmpty()) continue;
            assertThat(asserted).as(t.name()).contains("BLOCK_SIZE_" + t.name(), "BLOCK_BYTES_" + t.name());
        }
    }
}
