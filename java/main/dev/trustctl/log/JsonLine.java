package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * The one way a log line is made, whoever writes it (a short CLI call's {@link DirectLog}, the server's appenders,
 * the log's own lines): one flat JSON object, {@code {"ts":...,"level":...,"event":...,"request_id":...,<fields>}}
 * and a newline. The event name is the message; the fields are SLF4J key-value pairs in their order. A line
 * without a request_id of its own gets the process's ({@link Log#requestId()}).
 */
final class JsonLine {
    private JsonLine() {
    }

    static String format(long epochMillis, String level, String event, List<KeyValuePair> fields) {
        StringBuilder out = new StringBuilder(160).append("{\"ts\":\"");
        appendTimestamp(out, epochMillis);
        out.append("\",\"level\":\"").append(level).append("\",\"event\":");
        Json.appendString(out, event == null ? "" : event);
        if (find(fields, Log.REQUEST_ID) == null) {
            out.append(",\"request_id\":");
            Json.appendString(out, Log.requestId());
        }
        // Indexed loops: an iterator is one more class to load at a short call's start (fields is an ArrayList).
        for (int i = 0; fields != null && i < fields.size(); i++) {
            KeyValuePair kv = fields.get(i);
            out.append(',');
            Json.appendString(out, kv.key);
            out.append(':');
            Json.appendValue(out, kv.value);
        }
        return out.append("}\n").toString();
    }

    /** A logback event's line. Naming ILoggingEvent here loads no logback class on a short call's path. */
    static String format(ILoggingEvent event) {
        return format(event.getTimeStamp(), String.valueOf(event.getLevel()), event.getMessage(),
                event.getKeyValuePairs());
    }

    /** A line stamped now: a short call's event, or one the log writes of its own accord (a header, a count). */
    static String now(String level, String event, List<KeyValuePair> fields) {
        return format(System.currentTimeMillis(), level, event, fields);
    }

    /** The first field named {@code key}, or null. */
    static KeyValuePair find(List<KeyValuePair> fields, String key) {
        for (int i = 0; fields != null && i < fields.size(); i++) {
            if (key.equals(fields.get(i).key)) {
                return fields.get(i);
            }
        }
        return null;
    }

    /**
     * ISO-8601 UTC with milliseconds, {@code 2026-11-28T03:39:29.229Z}, without a java.time formatter and the
     * classes it would load at a short call's start-up.
     */
    static void appendTimestamp(StringBuilder out, long epochMillis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
        out.append(t.getYear()).append('-');
        pad(out, t.getMonthValue(), 2).append('-');
        pad(out, t.getDayOfMonth(), 2).append('T');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2).append('.');
        pad(out, Math.floorMod(epochMillis, 1000), 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        for (int limit = width == 3 ? 100 : 10; limit > 1 && value < limit; limit /= 10) {
            out.append('0');
        }
        return out.append(value);
    }
}
