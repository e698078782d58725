package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.testing.StrictJson;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON literals for the log: strings escaped so a line stays one line and one value; numbers bare. */
class JsonTest {
    private static String string(String value) {
        StringBuilder out = new StringBuilder();
        Json.appendString(out, value);
        return out.toString();
    }

    private static String value(Object value) {
        StringBuilder out = new StringBuilder();
        Json.appendValue(out, value);
        return out.toString();
    }

    @Test
    void quotesAndBackslashesAreEscaped() {
        assertThat(string("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(string("C:\\temp\\")).isEqualTo("\"C:\\\\temp\\\\\"");
    }

    @Test
    void lineBreaksAndTabsUseTheirShortEscapes() {
        assertThat(string("a\nb\rc\td\be\ff")).isEqualTo("\"a\\nb\\rc\\td\\be\\ff\"");
    }

    @ParameterizedTest
    @CsvSource({"0,\\u0000", "1,\\u0001", "31,\\u001f", "127,\\u007f", "8232,\\u2028", "8233,\\u2029", "27,\\u001b"})
    void otherControlsAndJavaScriptLineSeparatorsAreUnicodeEscapes(int code, String escaped) {
        assertThat(string("<" + (char) code + ">")).isEqualTo("\"<" + escaped + ">\"");
    }

    @Test
    void printableTextIsKeptAsItIs() {
        String text = "héllo wörld ✓ 😀 / <tag> 'single'";
        assertThat(string(text)).isEqualTo("\"" + text + "\"");
    }

    @Test
    void everyCharBelowU0080AndTheSeparatorsRoundTripThroughAStrictParser() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            all.append(c);
        }
        all.append("\u2028\u2029\u00a0é😀");
        String json = string(all.toString());
        assertThat(json.chars().filter(c -> c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029)).isEmpty();
        assertThat(StrictJson.parse(json)).isEqualTo(all.toString());
    }

    @Test
    void numbersAndBooleansAreBare() {
        assertThat(value(42)).isEqualTo("42");
        assertThat(value(-7L)).isEqualTo("-7");
        assertThat(value((short) 3)).isEqualTo("3");
        assertThat(value((byte) -1)).isEqualTo("-1");
        assertThat(value(true)).isEqualTo("true");
        assertThat(value(false)).isEqualTo("false");
        assertThat(value(1.5)).isEqualTo("1.5");
        assertThat(value(0.25f)).isEqualTo("0.25");
        assertThat(value(null)).isEqualTo("null");
        assertThat(value(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    }

    @Test
    void nonFiniteNumbersAndOtherObjectsAreStrings() {
        assertThat(value(Double.NaN)).isEqualTo("\"NaN\"");
        assertThat(value(Double.POSITIVE_INFINITY)).isEqualTo("\"Infinity\"");
        assertThat(value(Float.NEGATIVE_INFINITY)).isEqualTo("\"-Infinity\"");
        assertThat(value(Path.of("/a/\"b\""))).isEqualTo("\"/a/\\\"b\\\"\"");
        assertThat(value(new BigDecimal("1.10"))).isEqualTo("\"1.10\"");
    }

    @Test
    void anObjectKeepsTheFieldOrderAndEscapesKeysAndValues() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("b", 1);
        fields.put("a\"key", "line\nbreak");
        fields.put("ok", true);
        fields.put("none", null);
        String json = Json.object(fields);
        assertThat(json).isEqualTo("{\"b\":1,\"a\\\"key\":\"line\\nbreak\",\"ok\":true,\"none\":null}");
        Map<String, Object> parsed = StrictJson.object(json);
        assertThat(parsed.keySet()).containsExactly("b", "a\"key", "ok", "none");
        assertThat(parsed).containsEntry("a\"key", "line\nbreak").containsEntry("none", null);
    }

    @Test
    void anEmptyObjectIsTwoBraces() {
        assertThat(Json.object(Map.of())).isEqualTo("{}");
    }

    @Test
    void largeAndTinyDoublesStayValidJson() {
        assertThat(StrictJson.parse(value(1e20))).isEqualTo(new BigDecimal("1.0E20"));
        assertThat(StrictJson.parse(value(1e-7))).isEqualTo(new BigDecimal("1.0E-7"));
    }
}
