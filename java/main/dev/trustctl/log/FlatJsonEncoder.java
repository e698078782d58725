package dev.trustctl.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * Encodes a logging event as one flat JSON object per line:
 * {@code {"ts":...,"level":...,"event":...,"request_id":...,<key-values>}}.
 * The message is the event name; the fields come from SLF4J key-value pairs, never from the message.
 * An event without its own request_id gets the process's (see {@link Log#requestId()}).
 */
public final class FlatJsonEncoder extends EncoderBase<ILoggingEvent> {
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The formatted second of the last event: a busy server logs thousands of events within one second. */
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return line(event).getBytes(StandardCharsets.UTF_8);
    }

    static String line(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(160);
        out.append("{\"ts\":\"");
        appendTimestamp(out, event.getTimeStamp());
        out.append("\",\"level\":\"").append(event.getLevel()).append("\",\"event\":");
        Json.appendString(out, event.getMessage() == null ? "" : event.getMessage());
        List<KeyValuePair> fields = event.getKeyValuePairs();
        if (!hasKey(fields, Log.REQUEST_ID)) {
            out.append(",\"request_id\":");
            Json.appendString(out, Log.requestId());
        }
        if (fields != null) {
            for (KeyValuePair kv : fields) {
                out.append(',');
                Json.appendString(out, kv.key);
                out.append(':');
                Json.appendValue(out, kv.value);
            }
        }
        return out.append("}\n").toString();
    }

    /** A line the log writes of its own accord (a header, a count of lost or suppressed lines), stamped now. */
    static String ownLine(Level level, String event, List<KeyValuePair> fields) {
        LoggingEvent e = new LoggingEvent();
        e.setTimeStamp(System.currentTimeMillis());
        e.setLevel(level);
        e.setMessage(event);
        e.setKeyValuePairs(new java.util.ArrayList<>(fields));
        return line(e);
    }

    /** ISO-8601 UTC with milliseconds, {@code 2026-11-28T03:39:29.229Z}; the date part is formatted once a second. */
    static void appendTimestamp(StringBuilder out, long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis, 1000);
        Second second = lastSecond;
        if (second.epochSecond() != epochSecond) {
            second = new Second(epochSecond, SECOND.format(Instant.ofEpochSecond(epochSecond)));
            lastSecond = second;
        }
        int millis = Math.floorMod(epochMillis, 1000);
        out.append(second.text()).append('.').append((char) ('0' + millis / 100))
                .append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10)).append('Z');
    }

    private static boolean hasKey(List<KeyValuePair> fields, String key) {
        if (fields != null) {
            for (KeyValuePair kv : fields) {
                if (key.equals(kv.key)) {
                    return true;
                }
            }
        }
        return false;
    }
}
