package dev.trustctl.log;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * The one JSON writer: flat objects of literals, just what a log line (or a status, or a load report) needs. A log
 * line, whoever writes it (a short call's {@link DirectLog}, the server's {@link LogAppender}, the log's own lines),
 * is {@code {"ts":...,"level":...,"event":...,"request_id":...,<fields>}} and a newline: the event name is the
 * message, the fields are SLF4J key-value pairs in their order, and a line without a request_id of its own gets the
 * process's ({@link Log#requestId()}).
 */
public final class Json {
    private Json() {
    }

    /** Appends {@code value} as a JSON string, escaping quotes, backslashes and every control character. */
    public static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Most characters are printable: the search for a short escape is for the others only.
            int shortEscape = c >= 0x20 && c != '"' && c != '\\' ? -1 : "\"\\\n\r\t\b\f".indexOf(c);
            if (shortEscape >= 0) {
                out.append('\\').append("\"\\nrtbf".charAt(shortEscape));
            } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                // U+2028/2029 are legal JSON but end a line in JavaScript; escape them with the controls.
                out.append("\\u").append(Integer.toHexString(c | 0x10000), 1, 5);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** Appends any value: numbers and booleans bare, null as null, everything else as a string. */
    public static void appendValue(StringBuilder out, Object value) {
        if (value == null || value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof Boolean || value instanceof Double d && Double.isFinite(d)
                || value instanceof Float f && Float.isFinite(f)) {
            out.append(value); // a null appends as null
        } else {
            appendString(out, value.toString());
        }
    }

    /** One flat JSON object of these fields, in their order. */
    public static String object(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((key, value) -> {
            out.append(out.length() > 1 ? "," : "");
            appendString(out, key);
            out.append(':');
            appendValue(out, value);
        });
        return out.append('}').toString();
    }

    /** One log line, ts in ISO-8601 UTC with milliseconds ({@code 2026-11-28T03:39:29.229Z}). */
    static String line(long epochMillis, String level, String event, List<KeyValuePair> fields) {
        // Not a java.time formatter: its classes would load at every short call's start. The extra nanosecond
        // makes toString print all nine digits of the fraction (never fewer, never none): the first three are kept.
        LocalDateTime ts = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000),
                Math.floorMod(epochMillis, 1000) * 1_000_000 + 1, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(160).append("{\"ts\":\"").append(ts.toString(), 0, 23);
        out.append("Z\",\"level\":\"").append(level).append("\",\"event\":");
        appendString(out, event == null ? "" : event);
        if (find(fields, Log.REQUEST_ID) == null) {
            out.append(",\"request_id\":\"").append(Log.requestId()).append('"');
        }
        // Indexed loops: an iterator is one more class to load at a short call's start (fields is an ArrayList).
        for (int i = 0; fields != null && i < fields.size(); i++) {
            out.append(',');
            appendString(out, fields.get(i).key);
            out.append(':');
            appendValue(out, fields.get(i).value);
        }
        return out.append("}\n").toString();
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
}
