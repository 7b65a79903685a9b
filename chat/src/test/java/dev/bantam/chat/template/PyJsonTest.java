package dev.bantam.chat.template;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Python's json.dumps formatting, which HF's tojson uses (values checked against CPython 3.11). */
class PyJsonTest {
    @Test
    void floatsAsPythonReprWritesThem() {
        assertThat(PyJson.floatRepr(1.0)).isEqualTo("1.0");
        assertThat(PyJson.floatRepr(0.1)).isEqualTo("0.1");
        assertThat(PyJson.floatRepr(1e-5)).isEqualTo("1e-05");
        assertThat(PyJson.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PyJson.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PyJson.floatRepr(1234567890123456.0)).isEqualTo("1234567890123456.0");
        assertThat(PyJson.floatRepr(-2.5e-300)).isEqualTo("-2.5e-300");
        assertThat(PyJson.floatRepr(Double.NaN)).isEqualTo("NaN");
        assertThat(PyJson.floatRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    }

    @Test
    void oneLineWithPythonsSeparatorsAndUnicodeAsItIs() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1, true, "é\u0007"));
        m.put("a", null);
        assertThat(PyJson.dumps(m)).isEqualTo("{\"b\": [1, true, \"é\\u0007\"], \"a\": null}");
    }

    @Test
    void indentUsesCommaNewlineAndEmptyContainersStayShort() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("x", List.of());
        m.put("y", List.of(Map.of()));
        assertThat(PyJson.dumps(m, PyJson.Style.of(false, "  ", null, null, false)))
                .isEqualTo("{\n  \"x\": [],\n  \"y\": [\n    {}\n  ]\n}");
    }
}
