package dev.trustctl.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;

/**
 * The log of a short CLI call: its one or two lines, in the same flat JSON as {@link FlatJsonEncoder}, appended
 * straight to {@code trustctl.log} with one {@code write} each (O_APPEND, so lines of concurrent calls never
 * interleave). Setting up logback costs a CLI call about two thirds of its start-up; only the server needs it.
 */
public final class DirectLog {
    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    private static final Set<PosixFilePermission> PRIVATE =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path file;

    private DirectLog(Path file) {
        this.file = file;
    }

    /** Prepares {@code logDir/trustctl.log} as the server's log does; fails when it cannot be written. */
    public static DirectLog open(Path logDir) throws IOException {
        Path file = Log.prepare(logDir);
        LogFile.openPrivate(file).close(); // created 0600 if missing; a link or a non-file is refused here
        return new DirectLog(file);
    }

    /** Appends one event: {@code keyValues} alternate a field name and its value. Failing to write is ignored. */
    public void event(String level, String event, Object... keyValues) {
        try (FileChannel out = FileChannel.open(file, APPEND, PosixFilePermissions.asFileAttribute(PRIVATE))) {
            ByteBuffer bytes = ByteBuffer.wrap(line(System.currentTimeMillis(), level, event, keyValues)
                    .getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the log is a record of the call, never a reason for it to fail
        }
    }

    static String line(long epochMillis, String level, String event, Object... keyValues) {
        StringBuilder out = new StringBuilder(160).append("{\"ts\":\"");
        appendTimestamp(out, epochMillis);
        out.append("\",\"level\":\"").append(level).append("\",\"event\":");
        Json.appendString(out, event);
        boolean ownId = false;
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            ownId |= Log.REQUEST_ID.equals(keyValues[i]);
        }
        if (!ownId) {
            out.append(",\"request_id\":");
            Json.appendString(out, Log.requestId());
        }
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            out.append(',');
            Json.appendString(out, String.valueOf(keyValues[i]));
            out.append(':');
            Json.appendValue(out, keyValues[i + 1]);
        }
        return out.append("}\n").toString();
    }

    /** {@code 2026-11-28T03:39:29.229Z}, without a java.time formatter and the classes it would load at start-up. */
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
