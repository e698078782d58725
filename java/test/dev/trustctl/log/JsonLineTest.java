package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.trustctl.testing.StrictJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.KeyValuePair;

/**
 * One log event is one line holding one flat JSON object: ts, level, event, request_id, then its fields. A short
 * CLI call's line, written without logback, is the very line the server's logback appenders write.
 */
class JsonLineTest {
    private static final Instant WHEN = Instant.parse("2024-01-02T03:04:05.678901Z");

    private static LoggingEvent event(Level level, String message, Object... keyValues) {
        LoggingEvent e = new LoggingEvent();
        e.setLevel(level);
        e.setMessage(message);
        e.setInstant(WHEN);
        for (int i = 0; i < keyValues.length; i += 2) {
            e.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
        }
        return e;
    }

    @Test
    void aLineIsTheFixedFieldsThenTheKeyValuesInOrder() {
        String line = LogAppender.line(event(Level.INFO, "frame_echo", "conn_id", 7L, "bytes", 5, "ok", true));
        assertThat(line).isEqualTo("{\"ts\":\"2024-01-02T03:04:05.678Z\",\"level\":\"INFO\",\"event\":\"frame_echo\","
                + "\"request_id\":\"" + Log.requestId() + "\",\"conn_id\":7,\"bytes\":5,\"ok\":true}\n");
    }

    @Test
    void aDirectLineIsByteForByteTheAppendersLine() {
        Instant when = Instant.parse("2024-01-02T03:04:05.078901Z");
        LoggingEvent e = event(Level.INFO, "command_done", "command", "status", "exit_code", 0, "duration_ms", 12L);
        e.setInstant(when);
        assertThat(DirectLog.line(when.toEpochMilli(), "INFO", "command_done", "command", "status", "exit_code", 0,
                "duration_ms", 12L)).isEqualTo(LogAppender.line(e));
    }

    @Test
    void theProcessRequestIdIsStampedWhenTheEventHasNone() {
        Map<String, Object> fields = parsed(event(Level.WARN, "command_done", "command", "status"));
        assertThat(fields).containsEntry("request_id", Log.requestId());
        assertThat(Log.requestId()).matches("[0-9a-f]{16}");
    }

    @Test
    void anEventsOwnRequestIdIsKeptAndNotDuplicated() {
        String line = LogAppender.line(event(Level.INFO, "frame_echo", "request_id", "abcd1234-3-17", "conn_id", 3L));
        Map<String, Object> fields = StrictJson.object(line);
        assertThat(fields).containsEntry("request_id", "abcd1234-3-17");
        assertThat(line.split("\"request_id\"", -1)).hasSize(2);
    }

    @Test
    void hostileFieldValuesStayInsideOneLineAndOneString() {
        String nasty = "quote\" backslash\\ newline\n cr\r tab\t nul\u0000 esc\u001b ls\u2028 ps\u2029 end";
        String line = LogAppender.line(event(Level.ERROR, "conn_error", "error", nasty, "peer", "a\nb"));
        assertThat(line).endsWith("}\n");
        String body = line.substring(0, line.length() - 1);
        assertThat(body).doesNotContain("\n", "\r", "\u0000", "\u2028", "\u2029");
        Map<String, Object> fields = StrictJson.object(body);
        assertThat(fields).containsEntry("error", nasty).containsEntry("peer", "a\nb");
    }

    @Test
    void keysAreFlatAndValuesKeepTheirJsonTypes() {
        Map<String, Object> fields = parsed(event(Level.INFO, "conn_close", "conn_id", 9L, "reason", "peer_closed",
                "frames", 3L, "bytes_in", 12L, "duration_ms", 0L, "flag", false, "missing", null));
        assertThat(fields.keySet()).containsExactly("ts", "level", "event", "request_id", "conn_id", "reason", "frames",
                "bytes_in", "duration_ms", "flag", "missing");
        assertThat(fields.values()).noneMatch(v -> v instanceof Map || v instanceof List);
        assertThat(fields.get("conn_id")).hasToString("9");
        assertThat(fields.get("flag")).isEqualTo(false);
        assertThat(fields.get("missing")).isNull();
        assertThat(fields).containsEntry("level", "INFO").containsEntry("event", "conn_close");
    }

    @Test
    void anEventWithoutMessageOrFieldsIsStillAValidLine() {
        Map<String, Object> fields = parsed(event(Level.DEBUG, null));
        assertThat(fields).containsOnlyKeys("ts", "level", "event", "request_id").containsEntry("event", "");
    }

    @Test
    void anEventNameIsEscapedToo() {
        assertThat(parsed(event(Level.INFO, "odd\"name\n"))).containsEntry("event", "odd\"name\n");
    }

    @Test
    void textBeyondAsciiIsKeptAsItIs() {
        String line = LogAppender.line(event(Level.INFO, "raw_echo", "peer", "héllo ✓"));
        assertThat(line).contains("\"peer\":\"héllo ✓\"");
        assertThat(StrictJson.object(line)).containsEntry("peer", "héllo ✓");
    }

    private static Map<String, Object> parsed(LoggingEvent e) {
        String line = LogAppender.line(e);
        assertThat(line).endsWith("\n");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        return StrictJson.object(line.substring(0, line.length() - 1));
    }

    @ParameterizedTest
    @CsvSource({
        "1704164645678, 2024-01-02T03:04:05.678Z",
        "1704164645005, 2024-01-02T03:04:05.005Z",
        "1704164645050, 2024-01-02T03:04:05.050Z",
        "1704164646000, 2024-01-02T03:04:06.000Z",
        "1704164645999, 2024-01-02T03:04:05.999Z",
        "0, 1970-01-01T00:00:00.000Z"})
    void timestampsAreIsoUtcWithThreeDigitMillisAcrossSecondBoundaries(long millis, String expected) {
        assertThat(StrictJson.object(Json.line(millis, "INFO", "tick", null))).containsEntry("ts", expected);
    }

    @Test
    void timestampsArePaddedIsoUtcWithMilliseconds() {
        for (String ts : List.of("1970-01-01T00:00:00.000Z", "2026-11-28T13:05:09.007Z", "1999-12-31T23:59:59.999Z",
                "2024-02-29T10:00:00.050Z")) {
            assertThat(StrictJson.object(Json.line(Instant.parse(ts).toEpochMilli(), "INFO", "tick", null)))
                    .containsEntry("ts", ts);
        }
    }
}
