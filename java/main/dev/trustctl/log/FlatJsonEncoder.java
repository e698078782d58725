package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
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
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

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
        TS.formatTo(event.getInstant(), out);
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
