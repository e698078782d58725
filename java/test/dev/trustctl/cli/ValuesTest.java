package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every user-supplied value is checked with one message per kind, naming the flag and echoing what was typed. */
class ValuesTest {
    @ParameterizedTest
    @CsvSource({"1,1", "80,80", "9900,9900", "65535,65535", "' 443 ',443"})
    void portAcceptsOneTo65535(String raw, int expected) throws UsageException {
        assertThat(Values.port("--port", raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "70000", "-1", "abc", "", "8.5", "99999999999", "0x50"})
    void portRejectsEverythingElseWithOneMessage(String raw) {
        assertThatThrownBy(() -> Values.port("--port", raw))
                .isInstanceOf(UsageException.class)
                .hasMessage("--port must be an integer from 1 to 65535, got '" + raw + "'");
    }

    @Test
    void intInRangeNamesTheFlagAndTheBounds() throws UsageException {
        assertThat(Values.intInRange("--clients", "1", 1, 10)).isEqualTo(1);
        assertThat(Values.intInRange("--clients", "10", 1, 10)).isEqualTo(10);
        assertThatThrownBy(() -> Values.intInRange("--clients", "11", 1, 10))
                .isInstanceOf(UsageException.class)
                .hasMessage("--clients must be an integer from 1 to 10, got '11'");
        assertThatThrownBy(() -> Values.intInRange("server.max_clients", "many", 1, 10000))
                .hasMessage("server.max_clients must be an integer from 1 to 10000, got 'many'");
    }

    @ParameterizedTest
    @CsvSource({"1,1000", "0.5,500", "0.25,250", "30,30000", "1.5,1500", "0.01,10", "0.0105,11", "86400,86400000", "' 2 ',2000"})
    void secondsAcceptsDecimalsToTheMillisecond(String raw, long millis) throws UsageException {
        assertThat(Values.seconds("--timeout", raw)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.0", "0.0001", "0.009", "-1", "-0.5", "86400.001", "abc", "", "NaN", "Infinity",
        "1s"})
    void secondsRejectsBelowTenMillisecondsHugeAndText(String raw) {
        assertThatThrownBy(() -> Values.seconds("--timeout", raw))
                .isInstanceOf(UsageException.class)
                .hasMessage("--timeout must be a number of seconds from 0.01 to 86400, got '" + raw + "'");
    }

    /** Arabic-Indic, Devanagari, fullwidth and mathematical digits: Java's parsers read them all as numbers. */
    @ParameterizedTest
    @ValueSource(strings = {"\u0661\u0669\u0666\u0665\u0666", "\u0967\u0968", "\uFF19\uFF19\uFF10\uFF10", "99\u0660",
        "\uD835\uDFD7"})
    void numbersTakeAsciiDigitsOnly(String raw) {
        assertThatThrownBy(() -> Values.port("--port", raw)).isInstanceOf(UsageException.class)
                .hasMessage("--port must be written in ASCII digits (0-9), got '" + raw + "'");
        assertThatThrownBy(() -> Values.intInRange("--clients", raw, 1, 1_000_000))
                .hasMessage("--clients must be written in ASCII digits (0-9), got '" + raw + "'");
        assertThatThrownBy(() -> Values.seconds("--timeout", raw))
                .hasMessage("--timeout must be written in ASCII digits (0-9), got '" + raw + "'");
        assertThatThrownBy(() -> Values.seconds("--timeout", "0." + raw))
                .hasMessage("--timeout must be written in ASCII digits (0-9), got '0." + raw + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "example.org"})
    void hostAcceptsNamesAndLiterals(String raw) throws UsageException {
        assertThat(Values.host("--bind", raw)).isEqualTo(raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b"})
    void hostRejectsBlankAndWhitespace(String raw) {
        assertThatThrownBy(() -> Values.host("--bind", raw))
                .isInstanceOf(UsageException.class)
                .hasMessage("--bind must be a host name or IP address, got '" + raw + "'");
    }

    @Test
    void aValueQuotedInAMessageIsEscapedAndCut() {
        assertThatThrownBy(() -> Values.host("--bind", "host\n\t\u001b[2J"))
                .hasMessage("--bind must be a host name or IP address, got 'host\\n\\t\\x1b[2J'");
        assertThatThrownBy(() -> Values.host("HOST", "example.org\u001b]0;owned\u0007"))
                .hasMessage("HOST must be a host name or IP address, got 'example.org\\x1b]0;owned\\x07'");
        assertThatThrownBy(() -> Values.port("--port", "9".repeat(100_000)))
                .hasMessage("--port must be an integer from 1 to 65535, got '" + "9".repeat(64) + "...(100000 chars)'");
    }

    @Test
    void secondsTextIsWhatAUserWouldType() {
        assertThat(Values.secondsText(Duration.ofSeconds(5))).isEqualTo("5");
        assertThat(Values.secondsText(Duration.ofSeconds(30))).isEqualTo("30");
        assertThat(Values.secondsText(Duration.ofMillis(250))).isEqualTo("0.25");
        assertThat(Values.secondsText(Duration.ofMillis(1500))).isEqualTo("1.5");
    }
}
