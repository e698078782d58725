package dev.trustctl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON checker the other tests lean on must itself reject what jq would reject. */
class StrictJsonTest {
    @Test
    void readsEveryKindOfValue() {
        assertThat(StrictJson.object("{\"s\":\"a\\n\\u2028\\\"\",\"n\":-1.5e2,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,{}]}"))
                .containsEntry("s", "a\n\u2028\"")
                .containsEntry("n", new BigDecimal("-1.5e2"))
                .containsEntry("t", true)
                .containsEntry("f", false)
                .containsEntry("z", null)
                .containsEntry("a", List.of(new BigDecimal("1"), Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":\"x\ny\"}", "{\"a\":1,}", "{\"a\":1}{}", "{\"a\":1,\"a\":2}", "{a:1}",
        "{\"a\":01}", "{\"a\":\"\\x\"}", "{\"a\":tru}", "{\"a\":\"\t\"}", "", "{\"a\":1} x"})
    void rejectsWhatIsNotStrictJson(String text) {
        assertThatThrownBy(() -> StrictJson.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
